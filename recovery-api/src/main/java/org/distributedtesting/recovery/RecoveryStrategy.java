package org.distributedtesting.recovery;

import java.util.List;

/**
 * Detects one type of failure and recovers from it with a ladder of rungs, least invasive first.
 *
 * <p>The engine runs the ladder: it confirms a failure, runs rung 0, verifies by re-probing with
 * {@link #isResolved}, and climbs only when a rung did not fix the failure; the last rung repeats, with
 * backoff, until the node's attempt budget is spent, and then the engine escalates. A failure that comes back on
 * a node before it has stayed healthy for {@code restart_cooldown} resumes the ladder at the rung after the one
 * that ran last, instead of at rung 0 (going back to rung 0, once, if no rung above applies). A rung may take out
 * of service (stop, restart, demote, replace the data of) only the failure's nodes. Every safety rule applies
 * to every strategy, built-in or custom, because actions only reach nodes through
 * {@link RecoveryContext#perform(Action, String)}.
 *
 * <p>Implementations must be thread-safe; most are stateless.
 */
public interface RecoveryStrategy {

    /** The strategy's unique name in the registry, snake case (the built-ins use their failure type's name). */
    String name();

    /** The failure type this strategy owns. */
    FailureType type();

    /** The detector for {@link #type()}. */
    FailureDetector detector();

    /** The ladder's rung names, least invasive first; at least one. */
    List<String> rungs();

    /**
     * The journal action of rung {@code rung}'s record, such as the seed's {@code recover_split_brain}; by default
     * {@code recovery_attempted}.
     */
    default String rungAction(int rung) {
        return "recovery_attempted";
    }

    /**
     * Runs rung {@code rung} (an index into {@link #rungs()}) for {@code failure}.
     *
     * @return what the rung did; an exception is turned into {@link RungResult.Failed} by the engine
     */
    RungResult attempt(int rung, Failure failure, RecoveryContext context);

    /**
     * Whether {@code failure} is gone in a fresh snapshot. By default: the detector no longer reports a failure
     * of this type on any of the affected nodes. A strategy that needs more (a restarted node must also have
     * caught up) overrides this.
     *
     * @param failure the failure that was acted on
     * @param now     a snapshot taken after the rung acted
     * @param history earlier snapshots
     */
    default boolean isResolved(Failure failure, ClusterSnapshot now, ClusterHistory history) {
        return detector().detect(now, history).stream()
                .noneMatch(f -> f.type().equals(failure.type()) && f.nodes().stream().anyMatch(failure::affects));
    }
}
