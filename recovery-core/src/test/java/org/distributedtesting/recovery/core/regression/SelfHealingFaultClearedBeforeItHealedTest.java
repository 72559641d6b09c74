package org.distributedtesting.recovery.core.regression;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.distributedtesting.recovery.ClusterHistory;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.RungResult;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.Severity;
import org.distributedtesting.recovery.core.LadderStrategy;
import org.distributedtesting.recovery.core.sim.FaultOutcome;
import org.distributedtesting.recovery.core.sim.Scenario;
import org.distributedtesting.recovery.core.sim.ScenarioResult;
import org.junit.jupiter.api.Test;

/**
 * Symptom: in a campaign, a slow follower whose failure cleared before the fault healed (the detector lost sight of
 * it when the leader changed) counted as not recovered although the cluster ended healthy, and its scenario ran to
 * the deadline. A fault that heals by itself while no failure of it is open is recovered when it heals.
 */
class SelfHealingFaultClearedBeforeItHealedTest {

    /** Reports lagging followers until its one rung has run (and failed); then it no longer sees them. */
    private static final class LosesSight extends LadderStrategy {
        private boolean ran;

        LosesSight() {
            super("loses_sight", FailureType.SLOW_FOLLOWER, Settings.EMPTY);
            rung("try", (failure, context) -> {
                ran = true;
                return RungResult.failed("did not help");
            });
        }

        @Override
        protected List<Failure> detect(ClusterSnapshot snapshot, ClusterHistory history) {
            if (ran) {
                return List.of();
            }
            long commit = snapshot.observations().keySet().stream().flatMap(n -> snapshot.status(n).stream())
                    .mapToLong(NodeStatus::commitIndex).max().orElse(0);
            return snapshot.observations().keySet().stream()
                    .filter(n -> snapshot.status(n).map(s -> s.appliedIndex() < commit - 20).orElse(false))
                    .map(n -> Failure.of(type(), List.of(n), Severity.LOW, "'" + n + "' lags", Map.of()))
                    .toList();
        }
    }

    @Test
    void aSelfHealingFaultWhoseFailureClearedEarlyIsRecoveredWhenItHeals() {
        // Given a slow follower that heals after 30 s, and a strategy that loses sight of it after its rung failed
        ScenarioResult result = Scenario.builder().nodes(3).seed(2).inject(FailureType.SLOW_FOLLOWER)
                .strategies(List.of(new LosesSight())).maxDuration(Duration.ofMinutes(5)).build().run();

        // Then the failure was detected and cleared before the heal, and the fault counts as recovered at the heal
        String trace = String.join("\n", result.trace());
        FaultOutcome slow = result.faults().get(0);
        assertThat(slow.rungs()).as(trace).containsExactly("try");
        assertThat(result.journal()).extracting(r -> r.action()).containsSubsequence("failure_detected",
                "recovery_rung_failed", "failure_cleared");
        assertThat(slow.timeToRecover().orElseThrow()).as(trace).isEqualTo(30_000L);
        assertThat(result.passed()).isTrue();
        assertThat(result.endedAt()).as("ended once healthy, not at the deadline").isLessThan(60_000L);
    }
}
