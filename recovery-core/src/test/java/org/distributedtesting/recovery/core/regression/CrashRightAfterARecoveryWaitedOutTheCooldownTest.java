package org.distributedtesting.recovery.core.regression;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.core.sim.SimulatedCluster;
import org.distributedtesting.recovery.core.sim.harness.SimReport;
import org.distributedtesting.recovery.core.sim.harness.SimulatedRecovery;
import org.distributedtesting.recovery.core.sim.harness.TinyCrashStrategy;
import org.junit.jupiter.api.Test;

/**
 * A node recovered by a restart that crashed again right after was detected within two cycles, but its restart
 * came ~28 s later: the node's 30 s {@code node_cooldown} held it. A dead process gains nothing from a cooldown; it
 * is brought back at once (a crash loop is still bounded by backoff and the attempt budget).
 */
class CrashRightAfterARecoveryWaitedOutTheCooldownTest {

    @Test
    void aNodeWhoseProcessDiedAgainIsRestartedWithoutWaitingForItsCooldown() {
        // Given a follower restarted and verified, with no backoff between attempts
        SimulatedCluster cluster = SimulatedCluster.builder().nodes(3).seed(11).build();
        NodeId leader = cluster.awaitLeader(Duration.ofSeconds(10)).orElseThrow();
        NodeId follower = cluster.nodeIds().stream().filter(n -> !n.equals(leader)).findFirst().orElseThrow();
        RecoveryOptions options = RecoveryOptions.defaults().toBuilder().backoffInitial(Duration.ZERO)
                .backoffMax(Duration.ZERO).build();
        try (SimulatedRecovery recovery = SimulatedRecovery.of(cluster, List.of(new TinyCrashStrategy()), options)) {
            cluster.crash(follower);
            assertThat(recovery.runUntilHealthy(Duration.ofMinutes(1)).healthy()).isTrue();
            assertThat(restarts(recovery)).isEqualTo(1);

            // When it crashes again at once, well within its 30 s node_cooldown
            cluster.crash(follower);
            recovery.runFor(Duration.ofSeconds(options.confirmations() + 1));

            // Then it is restarted as soon as the crash is confirmed
            assertThat(restarts(recovery)).as(SimReport.of(cluster, List.of(recovery), 40)).isEqualTo(2);
        }
    }

    private static long restarts(SimulatedRecovery recovery) {
        return recovery.events(org.distributedtesting.recovery.RecoveryEvent.ActionTaken.class).stream()
                .filter(e -> e.action() instanceof Action.Restart || e.action() instanceof Action.Start)
                .filter(e -> e.result().done()).count();
    }
}
