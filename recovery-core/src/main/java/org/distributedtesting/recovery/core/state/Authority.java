package org.distributedtesting.recovery.core.state;

import java.util.Optional;
import org.distributedtesting.recovery.core.coordination.Coordination;
import org.distributedtesting.recovery.core.coordination.Lease;

/**
 * Whether this engine may act: always, for a lone engine; for one of several engines on one cluster, only while its
 * {@link Coordination} says it holds the lease. The cycle takes the lease it acts under once, at its start
 * ({@link #observe()}); every action asks again ({@link #lost()}), so an engine that loses the lease in the middle
 * of a rung stops before its next action.
 *
 * <p>Not thread-safe; the engine's cycle lock guards it ({@link #lost()} only reads the coordination, which is).
 */
public final class Authority {

    private final Coordination coordination;
    private Lease held;
    private boolean announced;

    private Authority(Coordination coordination) {
        this.coordination = coordination;
        this.held = coordination == null ? Lease.active(0, "the only recovery engine of this cluster")
                : Lease.standby(0, "starting: the lease was not asked for yet");
    }

    /** A lone engine: it always acts, and sends no epoch. */
    public static Authority alone() {
        return new Authority(null);
    }

    /** One of several engines, acting only while {@code coordination} gives it the lease. */
    public static Authority of(Coordination coordination) {
        return new Authority(java.util.Objects.requireNonNull(coordination, "coordination"));
    }

    /** Whether a coordination decides; false for a lone engine. */
    public boolean coordinated() {
        return coordination != null;
    }

    /** The coordination, or empty for a lone engine. */
    public Optional<Coordination> coordination() {
        return Optional.ofNullable(coordination);
    }

    /** The lease this cycle acts (or stands by) under. */
    public Lease held() {
        return held;
    }

    /** Whether this cycle may plan and act. */
    public boolean acting() {
        return held.active();
    }

    /**
     * The start of a cycle: reads the lease now. Returns it when the role, the epoch or the reason changed since the
     * last cycle (and on a coordinated engine's first cycle, so the journal says which role it started in); the
     * caller then takes it with {@link #take(Lease)}, or declines to act under it.
     */
    public Optional<Lease> observe() {
        if (coordination == null) {
            return Optional.empty();
        }
        Lease live = coordination.lease();
        // a standby's reason is news too: another instance took the lease, or ZooKeeper became unreachable
        boolean changed = !announced || live.active() != held.active() || live.epoch() != held.epoch()
                || !live.reason().equals(held.reason());
        return changed ? Optional.of(live) : Optional.empty();
    }

    /** The cycle acts (or stands by) under {@code lease} from now on. */
    public void take(Lease lease) {
        held = lease;
        announced = true;
    }

    /**
     * Why this engine may not act now although its cycle started active, or empty when it still holds the lease
     * it started the cycle with.
     */
    public Optional<String> lost() {
        if (coordination == null) {
            return Optional.empty();
        }
        if (!held.active()) {
            return Optional.of("this instance is a standby: " + held.reason());
        }
        Lease live = coordination.lease();
        if (live.active() && live.epoch() == held.epoch()) {
            return Optional.empty();
        }
        return Optional.of("this instance lost the lease of epoch " + held.epoch() + " during the cycle: "
                + live.reason());
    }
}
