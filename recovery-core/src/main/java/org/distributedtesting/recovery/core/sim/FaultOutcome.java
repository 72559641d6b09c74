package org.distributedtesting.recovery.core.sim;

import java.util.List;
import java.util.OptionalLong;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.NodeId;

/**
 * What became of one injected fault in a scenario: when it was injected, detected, first acted on and verified
 * recovered, in virtual milliseconds, and which rungs ran.
 *
 * <p>Immutable and thread-safe.
 *
 * @param type        the injected failure type
 * @param nodes       the nodes it hit
 * @param description what was injected
 * @param injectedAt  when
 * @param detectedAt  when the engine confirmed a failure of this type on these nodes
 * @param recoveredAt when the engine verified the recovery (or, for a fault that heals by itself, when the failure
 *                    cleared after healing, or when it healed while no failure of it was open; or, for a fault none of
 *                    whose failures was open then, when the engine verified the recovery of another failure on its
 *                    nodes, the cluster ending healthy: a deadlock ended by the restart that repaired the node's
 *                    database)
 * @param rungs       the rungs that ran for it, in order
 * @param escalated   whether the engine gave up and quarantined
 */
public record FaultOutcome(FailureType type, List<NodeId> nodes, String description, long injectedAt,
                           OptionalLong detectedAt, OptionalLong recoveredAt, List<String> rungs, boolean escalated) {

    /** Copies the lists. */
    public FaultOutcome {
        nodes = List.copyOf(nodes);
        rungs = List.copyOf(rungs);
    }

    /** Whether the fault was recovered. */
    public boolean recovered() {
        return recoveredAt.isPresent();
    }

    /** Virtual milliseconds from injection to detection, if detected. */
    public OptionalLong timeToDetect() {
        return detectedAt.isPresent() ? OptionalLong.of(detectedAt.getAsLong() - injectedAt) : OptionalLong.empty();
    }

    /** Virtual milliseconds from injection to verified recovery, if recovered. */
    public OptionalLong timeToRecover() {
        return recoveredAt.isPresent() ? OptionalLong.of(recoveredAt.getAsLong() - injectedAt) : OptionalLong.empty();
    }
}
