package org.distributedtesting.recovery;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What one probe of one node saw. A probe that failed is an observation too ({@link Unreachable}); it never
 * escapes as an exception.
 *
 * <p>Immutable and thread-safe.
 */
public sealed interface NodeObservation permits NodeObservation.Reachable, NodeObservation.Unreachable {

    /** The node observed. */
    NodeId node();

    /** When the observation was made. */
    Instant observedAt();

    /** What the process supervisor says about the node's process. */
    ProcessStatus process();

    /** The node's own report, when it answered. */
    default Optional<NodeStatus> reported() {
        return this instanceof Reachable r ? Optional.of(r.status()) : Optional.empty();
    }

    /** Whether the node answered its probe. */
    default boolean reachable() {
        return this instanceof Reachable;
    }

    /**
     * The node answered.
     *
     * @param node       the node
     * @param observedAt when
     * @param latency    how long the probe took
     * @param status     what the node reported
     * @param process    what the supervisor says
     */
    record Reachable(NodeId node, Instant observedAt, Duration latency, NodeStatus status, ProcessStatus process)
            implements NodeObservation {
        /** @throws NullPointerException if any argument is null */
        public Reachable {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(observedAt, "observedAt");
            Objects.requireNonNull(latency, "latency");
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(process, "process");
        }
    }

    /**
     * The node did not answer within the probe deadline, refused the connection or answered garbage.
     *
     * @param node       the node
     * @param observedAt when
     * @param reason     why, for the journal (for example {@code "connection refused"})
     * @param process    what the supervisor says
     */
    record Unreachable(NodeId node, Instant observedAt, String reason, ProcessStatus process)
            implements NodeObservation {
        /** @throws NullPointerException if any argument is null */
        public Unreachable {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(observedAt, "observedAt");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(process, "process");
        }
    }
}
