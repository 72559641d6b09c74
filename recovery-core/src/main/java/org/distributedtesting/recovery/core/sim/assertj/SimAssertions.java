package org.distributedtesting.recovery.core.sim.assertj;

import org.assertj.core.api.Assertions;
import org.distributedtesting.recovery.core.sim.SimulatedCluster;
import org.distributedtesting.recovery.core.sim.harness.SimulatedRecovery;

/**
 * The entry point of the simulator's assertions. It extends AssertJ's {@link Assertions}, so one static import
 * gives AssertJ's {@code assertThat} overloads and these:
 *
 * <pre>{@code
 * import static org.distributedtesting.recovery.core.sim.assertj.SimAssertions.assertThat;
 *
 * assertThat(cluster).hasSingleLeader().hasNoDivergence().lostNoAcknowledgedWrites();
 * assertThat(recovery).recovered(FailureType.PROCESS_CRASH).journalContainsActionOnNode("restart_node", node);
 * assertThat(recovery.journal().records()).isNotEmpty();
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
@SuppressWarnings("exports") // AssertJ is an optional dependency; whoever uses this class has it
public final class SimAssertions extends Assertions {

    private SimAssertions() {
    }

    /** Assertions about the cluster's ground truth. */
    public static SimulatedClusterAssert assertThat(SimulatedCluster actual) {
        return new SimulatedClusterAssert(actual);
    }

    /** Assertions about what the recovery did. */
    public static SimulatedRecoveryAssert assertThat(SimulatedRecovery actual) {
        return new SimulatedRecoveryAssert(actual);
    }
}
