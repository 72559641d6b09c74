package org.distributedtesting.recovery.strategies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.distributedtesting.recovery.ClusterHistory;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.IntegrityCheck;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeObservation;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.ProcessStatus;
import org.distributedtesting.recovery.Role;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.Severity;
import org.junit.jupiter.api.Test;

class ProcessCrashStrategyTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private final ProcessCrashStrategy strategy = new ProcessCrashStrategy();

    private static NodeObservation up(int i, Role role, long applied, long commit) {
        NodeStatus status = NodeStatus.builder().role(role).term(2).appliedIndex(applied).commitIndex(commit).build();
        return new NodeObservation.Reachable(id(i), NOW, Duration.ofMillis(1), status, ProcessStatus.alive(100 + i));
    }

    private static NodeObservation down(int i, ProcessStatus process) {
        return new NodeObservation.Unreachable(id(i), NOW, "connection refused", process);
    }

    private static NodeId id(int i) {
        return NodeId.of("node-" + i);
    }

    private static ClusterSnapshot snapshot(NodeObservation... observations) {
        Map<NodeId, NodeObservation> map = new LinkedHashMap<>();
        List<NodeSpec> specs = new java.util.ArrayList<>();
        for (NodeObservation o : observations) {
            map.put(o.node(), o);
            specs.add(NodeSpec.of(o.node().value(), "127.0.0.1", 7000 + specs.size() + 1, Path.of("/tmp")));
        }
        return new ClusterSnapshot(1, NOW, specs, map);
    }

    @Test
    void detectsAnUnreachableNodeWhoseProcessIsDeadWithItsEvidence() {
        List<Failure> failures = strategy.detector().detect(snapshot(up(1, Role.LEADER, 10, 10),
                down(2, ProcessStatus.exited(4242, 137)), up(3, Role.FOLLOWER, 10, 10)), ClusterHistory.EMPTY);

        assertThat(failures).singleElement().satisfies(f -> {
            assertThat(f.key()).isEqualTo("process_crash:node-2");
            assertThat(f.severity()).isEqualTo(Severity.MEDIUM);
            assertThat(f.immediate()).isFalse();
            assertThat(f.evidence()).containsEntry("reachable", false).containsEntry("exit_code", 137)
                    .containsEntry("pid", 4242L).containsEntry("probe_error", "connection refused");
        });
    }

    @Test
    void anUnreachableNodeWhoseProcessIsAliveIsNotACrash() {
        assertThat(strategy.detector().detect(snapshot(up(1, Role.LEADER, 10, 10),
                down(2, ProcessStatus.alive(77)), up(3, Role.FOLLOWER, 10, 10)), ClusterHistory.EMPTY)).isEmpty();
    }

    @Test
    void anUnreachableNodeWithoutSupervisorIsNotACrash() {
        assertThat(strategy.detector().detect(snapshot(up(1, Role.LEADER, 10, 10),
                down(2, ProcessStatus.unknown()), up(3, Role.FOLLOWER, 10, 10)), ClusterHistory.EMPTY)).isEmpty();
    }

    @Test
    void leavesANodeThatFailsToStartOnItsCorruptLogToTheLogStrategy() {
        // Given node-2 last answered with a failed log check, then its process ended with exit code 1
        NodeStatus corrupt = NodeStatus.builder().role(Role.FOLLOWER).term(2).appliedIndex(10).commitIndex(10)
                .log(IntegrityCheck.failed("checksum mismatch in entry 7")).build();
        ClusterHistory history = new ClusterHistory(List.of(snapshot(up(1, Role.LEADER, 10, 10),
                new NodeObservation.Reachable(id(2), NOW, Duration.ofMillis(1), corrupt, ProcessStatus.alive(102)),
                up(3, Role.FOLLOWER, 10, 10))));
        ClusterSnapshot failsToStart = snapshot(up(1, Role.LEADER, 10, 10), down(2, ProcessStatus.exited(4242, 1)),
                up(3, Role.FOLLOWER, 10, 10));

        // When / Then: restarting it would fail again; the log strategy takes it
        assertThat(strategy.detector().detect(failsToStart, history)).isEmpty();
        assertThat(new LogCorruptionStrategy().detector().detect(failsToStart, history)).singleElement()
                .satisfies(f -> assertThat(f.key()).isEqualTo("log_corruption:node-2"));
    }

    @Test
    void stillRestartsAKilledNodeWhoseLogWasCorrupt() {
        // Given the same node-2, killed (exit 137) rather than failing on its own: a restart is worth a try
        NodeStatus corrupt = NodeStatus.builder().role(Role.FOLLOWER).term(2).appliedIndex(10).commitIndex(10)
                .log(IntegrityCheck.failed("checksum mismatch in entry 7")).build();
        ClusterHistory history = new ClusterHistory(List.of(snapshot(up(1, Role.LEADER, 10, 10),
                new NodeObservation.Reachable(id(2), NOW, Duration.ofMillis(1), corrupt, ProcessStatus.alive(102)),
                up(3, Role.FOLLOWER, 10, 10))));

        assertThat(strategy.detector().detect(snapshot(up(1, Role.LEADER, 10, 10),
                down(2, ProcessStatus.exited(4242, 137)), up(3, Role.FOLLOWER, 10, 10)), history)).hasSize(1);
        assertThat(strategy.detector().detect(snapshot(up(1, Role.LEADER, 10, 10),
                down(2, ProcessStatus.exited(4242, 1)), up(3, Role.FOLLOWER, 10, 10)), ClusterHistory.EMPTY))
                .as("exit 1 with no corrupt log on record").hasSize(1);
    }

    @Test
    void aNodeNeverStartedIsNoCrash() {
        assertThat(strategy.detector().detect(snapshot(up(1, Role.LEADER, 10, 10),
                down(2, ProcessStatus.notStarted()), up(3, Role.FOLLOWER, 10, 10)), ClusterHistory.EMPTY))
                .as("the engine starts it as a start, not a recovery").isEmpty();
    }

    @Test
    void isHighSeverityWhenTheClusterHasLostItsMajority() {
        List<Failure> failures = strategy.detector().detect(snapshot(up(1, Role.CANDIDATE, 10, 10),
                down(2, ProcessStatus.dead("not started")), down(3, ProcessStatus.dead("not started"))),
                ClusterHistory.EMPTY);

        assertThat(failures).hasSize(2).allSatisfy(f -> assertThat(f.severity()).isEqualTo(Severity.HIGH));
    }

    @Test
    void isResolvedOnlyWhenTheNodeAnswersAsAMemberAndHasCaughtUp() {
        Failure crash = strategy.detector().detect(snapshot(up(1, Role.LEADER, 1000, 1000),
                down(2, ProcessStatus.dead("x")), up(3, Role.FOLLOWER, 1000, 1000)), ClusterHistory.EMPTY).get(0);

        assertThat(strategy.isResolved(crash, snapshot(up(1, Role.LEADER, 1000, 1000),
                down(2, ProcessStatus.alive(5)), up(3, Role.FOLLOWER, 1000, 1000)), ClusterHistory.EMPTY))
                .as("still down").isFalse();
        assertThat(strategy.isResolved(crash, snapshot(up(1, Role.LEADER, 1000, 1000),
                up(2, Role.CANDIDATE, 1000, 1000), up(3, Role.FOLLOWER, 1000, 1000)), ClusterHistory.EMPTY))
                .as("campaigning, not rejoined").isFalse();
        assertThat(strategy.isResolved(crash, snapshot(up(1, Role.LEADER, 1000, 1000),
                up(2, Role.FOLLOWER, 700, 700), up(3, Role.FOLLOWER, 1000, 1000)), ClusterHistory.EMPTY))
                .as("300 entries behind").isFalse();
        assertThat(strategy.isResolved(crash, snapshot(up(1, Role.LEADER, 1000, 1000),
                up(2, Role.FOLLOWER, 800, 1000), up(3, Role.FOLLOWER, 1000, 1000)), ClusterHistory.EMPTY))
                .as("within 250 entries").isTrue();
    }

    @Test
    void theCatchUpLagIsConfigurableAndValidated() {
        assertThat(new ProcessCrashStrategy(new Settings(Map.of("catch_up_lag_entries", 10L))).catchUpLagEntries())
                .isEqualTo(10);
        assertThatThrownBy(() -> new ProcessCrashStrategy(new Settings(Map.of("catch_up_lag_entries", -1L))))
                .hasMessage("strategies.process_crash.catch_up_lag_entries must be >= 0, but was -1");
    }

    @Test
    void isRegisteredThroughServiceLoader() {
        var registry = org.distributedtesting.recovery.core.StrategyRegistry.discover(n -> Settings.EMPTY);
        assertThat(registry.resolve("process_crash")).singleElement().isInstanceOf(ProcessCrashStrategy.class);
        assertThat(registry.resolve(BuiltInStrategies.AVAILABILITY)).anyMatch(ProcessCrashStrategy.class::isInstance);
        assertThat(registry.problems()).isEmpty();
    }
}
