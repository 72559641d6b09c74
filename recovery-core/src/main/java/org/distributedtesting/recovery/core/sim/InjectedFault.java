package org.distributedtesting.recovery.core.sim;

import java.util.List;
import java.util.Objects;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.NodeId;

/**
 * A fault injected into the simulated cluster: what it is, where, when, and how to undo it. Healing is the
 * fault's own undo (the partition heals, the loop stops campaigning); it is what the world does, not what the
 * recovery engine does.
 *
 * <p>Immutable; {@link #heal()} acts on the cluster under its lock.
 */
public final class InjectedFault {

    private final FailureType type;
    private final List<NodeId> nodes;
    private final String description;
    private final long injectedAt;
    private final Runnable healer;

    InjectedFault(FailureType type, List<NodeId> nodes, String description, long injectedAt, Runnable healer) {
        this.type = Objects.requireNonNull(type, "type");
        this.nodes = List.copyOf(nodes);
        this.description = Objects.requireNonNull(description, "description");
        this.injectedAt = injectedAt;
        this.healer = Objects.requireNonNull(healer, "healer");
    }

    /** The failure type this fault produces. */
    public FailureType type() {
        return type;
    }

    /** The nodes it hits. */
    public List<NodeId> nodes() {
        return nodes;
    }

    /** One line for people. */
    public String description() {
        return description;
    }

    /** Virtual milliseconds when it was injected. */
    public long injectedAt() {
        return injectedAt;
    }

    /** Undoes the fault itself (not its damage: a corrupted database stays corrupted until it is restored). */
    public void heal() {
        healer.run();
    }

    @Override
    public String toString() {
        return type + " on " + nodes + ": " + description;
    }
}
