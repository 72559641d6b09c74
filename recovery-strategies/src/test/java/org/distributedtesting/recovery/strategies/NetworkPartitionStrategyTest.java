package org.distributedtesting.recovery.strategies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.distributedtesting.recovery.strategies.LeadershipFixtures.cutFrom;
import static org.distributedtesting.recovery.strategies.LeadershipFixtures.down;
import static org.distributedtesting.recovery.strategies.LeadershipFixtures.follower;
import static org.distributedtesting.recovery.strategies.LeadershipFixtures.id;
import static org.distributedtesting.recovery.strategies.LeadershipFixtures.leader;
import static org.distributedtesting.recovery.strategies.LeadershipFixtures.snapshot;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.ClusterHistory;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.ProcessStatus;
import org.distributedtesting.recovery.RungResult;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.core.StrategyRegistry;
import org.distributedtesting.recovery.core.sim.harness.RecordingContext;
import org.junit.jupiter.api.Test;

/** The partition strategy's ladder, settings and registration. */
class NetworkPartitionStrategyTest {

    private final NetworkPartitionStrategy strategy = new NetworkPartitionStrategy();

    private static ClusterSnapshot isolatedNode3(List<String> alternatives) {
        return snapshot(1, alternatives, cutFrom(leader(1, 3, 2), 3), cutFrom(follower(2, 3, 2, 1), 3),
                down(3, ProcessStatus.alive(3)));
    }

    private Failure partitionOf(ClusterSnapshot snapshot) {
        return strategy.detector().detect(snapshot, ClusterHistory.EMPTY).get(0);
    }

    @Test
    void theLadderWaitsThenTriesOtherAddressesThenFencesThenAlerts() {
        assertThat(strategy.name()).isEqualTo("network_partition");
        assertThat(strategy.rungs()).containsExactly("wait_for_healing", "try_alternative_addresses",
                "fence_minority_leader", "alert");
        assertThat(List.of(strategy.rungAction(0), strategy.rungAction(1), strategy.rungAction(2),
                strategy.rungAction(3))).containsExactly("network_partition_detected", "try_alternative_addresses",
                "fence_minority_leader", "alert_network_partition");
    }

    @Test
    void waitingForHealingDoesNothingAndLetsTheEngineVerify() {
        ClusterSnapshot snapshot = isolatedNode3(List.of());
        RecordingContext context = RecordingContext.of(partitionOf(snapshot), snapshot);

        RungResult result = strategy.attempt(0, context.failure(), context);

        assertThat(result).isInstanceOf(RungResult.Acted.class);
        assertThat(result.detail()).contains("verify_timeout (60 s)", "no membership change");
        assertThat(context.performed()).isEmpty();
    }

    @Test
    void withoutAlternativeAddressesTheSecondRungIsSkipped() {
        ClusterSnapshot snapshot = isolatedNode3(List.of());
        RecordingContext context = RecordingContext.of(partitionOf(snapshot), snapshot);

        assertThat(strategy.attempt(1, context.failure(), context)).isInstanceOf(RungResult.Skipped.class);
        assertThat(context.performed()).isEmpty();
    }

    @Test
    void alternativeAddressesAreTriedInTurnUntilOneWorks() {
        ClusterSnapshot snapshot = isolatedNode3(List.of("10.0.0.3:7003", "10.1.0.3:7003"));
        RecordingContext context = RecordingContext.of(partitionOf(snapshot), snapshot).answering(a -> a.parameters().get("address").equals("10.0.0.3:7003")
                        ? new ActionResult.Failed("no route to host") : ActionResult.Done.of("switched"));

        RungResult result = strategy.attempt(1, context.failure(), context);

        assertThat(result).isInstanceOf(RungResult.Acted.class);
        assertThat(result.detail()).contains("'node-3' at 10.1.0.3:7003");
        assertThat(context.performed()).containsExactly(
                new Action.Custom(id(3), "use_alternative_address", Action.Impact.NONE,
                        Map.of("address", "10.0.0.3:7003")),
                new Action.Custom(id(3), "use_alternative_address", Action.Impact.NONE,
                        Map.of("address", "10.1.0.3:7003")));
    }

    @Test
    void whenNoAlternativeAddressWorksTheRungFails() {
        ClusterSnapshot snapshot = isolatedNode3(List.of("10.0.0.3:7003"));
        RecordingContext context = RecordingContext.of(partitionOf(snapshot), snapshot).answering(a -> new ActionResult.Failed("no route to host"));

        RungResult result = strategy.attempt(1, context.failure(), context);

        assertThat(result).isInstanceOf(RungResult.Failed.class);
        assertThat(result.detail()).contains("10.0.0.3:7003: no route to host");
    }

    @Test
    void aStaleLeaderOnTheMinoritySideIsAskedToStepDown() {
        // node 1 claims term 2 alone; nodes 2, 4 and 5 follow node 3 (term 3), which the monitor cannot reach
        ClusterSnapshot snapshot = snapshot(3, cutFrom(leader(1, 5, 2), 2, 3, 4, 5), cutFrom(follower(2, 5, 3, 3), 1),
                down(3, ProcessStatus.alive(3)), cutFrom(follower(4, 5, 3, 3), 1), cutFrom(follower(5, 5, 3, 3), 1));
        Failure failure = partitionOf(snapshot);
        RecordingContext context = RecordingContext.of(failure, snapshot);

        RungResult result = strategy.attempt(2, failure, context);

        assertThat(failure.nodes()).containsExactly(id(1));
        assertThat(result).isInstanceOf(RungResult.Acted.class);
        assertThat(context.performed()).containsExactly(new Action.StepDown(id(1), Optional.empty()));
    }

    @Test
    void fencingIsSkippedWhenTheAffectedNodeDoesNotLead() {
        ClusterSnapshot snapshot = isolatedNode3(List.of());
        RecordingContext context = RecordingContext.of(partitionOf(snapshot), snapshot);

        RungResult result = strategy.attempt(2, context.failure(), context);

        assertThat(result).isInstanceOf(RungResult.Skipped.class);
        assertThat(result.detail()).contains("a majority follows 'node-1'");
        assertThat(context.performed()).isEmpty();
    }

    @Test
    void theLastRungIsSkippedWithTheReasonSoThatTheEngineEscalates() {
        ClusterSnapshot snapshot = isolatedNode3(List.of());
        RecordingContext context = RecordingContext.of(partitionOf(snapshot), snapshot);

        RungResult result = strategy.attempt(3, context.failure(), context);

        assertThat(result).isInstanceOf(RungResult.Skipped.class);
        assertThat(result.detail()).contains("an operator must restore the network");
        assertThat(context.performed()).isEmpty();
    }

    @Test
    void noRungEverChangesMembership() {
        ClusterSnapshot snapshot = isolatedNode3(List.of("10.0.0.3:7003"));
        RecordingContext context = RecordingContext.of(partitionOf(snapshot), snapshot);

        for (int rung = 0; rung < strategy.rungs().size(); rung++) {
            strategy.attempt(rung, context.failure(), context);
        }

        assertThat(context.performed()).isNotEmpty().noneMatch(Action.SetVoter.class::isInstance)
                .allMatch(a -> a.impact() == Action.Impact.NONE);
    }

    @Test
    void thresholdsHaveDocumentedDefaultsAndAreConfigurable() {
        assertThat(strategy.leaderDisagreementCycles()).isEqualTo(3);
        assertThat(strategy.electionWindow()).isEqualTo(Duration.ofSeconds(10));
        assertThat(strategy.minFailedElections()).isEqualTo(3);

        NetworkPartitionStrategy tuned = new NetworkPartitionStrategy(new Settings(Map.of(
                "leader_disagreement_cycles", 5L, "election_window", 2.5, "min_failed_elections", 7L)));

        assertThat(tuned.leaderDisagreementCycles()).isEqualTo(5);
        assertThat(tuned.electionWindow()).isEqualTo(Duration.ofMillis(2500));
        assertThat(tuned.minFailedElections()).isEqualTo(7);
    }

    @Test
    void invalidThresholdsAreRejectedWithTheKeyAndTheValue() {
        assertThatThrownBy(() -> new NetworkPartitionStrategy(new Settings(Map.of("leader_disagreement_cycles", 0L))))
                .hasMessage("strategies.network_partition.leader_disagreement_cycles must be in 1..1000, but was 0");
        assertThatThrownBy(() -> new NetworkPartitionStrategy(new Settings(Map.of("election_window", 0L))))
                .hasMessage("strategies.network_partition.election_window must be > 0, but was 0");
        assertThatThrownBy(() -> new NetworkPartitionStrategy(new Settings(Map.of("min_failed_elections", -1L))))
                .hasMessage("strategies.network_partition.min_failed_elections must be > 0, but was -1");
    }

    @Test
    void isRegisteredThroughServiceLoaderInTheAvailabilitySet() {
        StrategyRegistry registry = StrategyRegistry.discover(n -> Settings.EMPTY);

        assertThat(registry.resolve("network_partition")).singleElement()
                .isInstanceOf(NetworkPartitionStrategy.class);
        assertThat(registry.resolve(BuiltInStrategies.AVAILABILITY))
                .anyMatch(NetworkPartitionStrategy.class::isInstance);
        assertThat(registry.problems()).isEmpty();
    }
}
