package org.distributedtesting.recovery.core.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.distributedtesting.recovery.ClusterHistory;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeObservation;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.ProcessStatus;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.RecoveryStrategy;
import org.distributedtesting.recovery.Role;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.Severity;
import org.distributedtesting.recovery.core.LadderStrategy;
import org.distributedtesting.recovery.core.detect.Damping.Detected;
import org.distributedtesting.recovery.core.state.EngineState;
import org.junit.jupiter.api.Test;

/** Findings on a node the engine just started are held back until it answers, its process ends, or time is up. */
class StartupGraceTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final NodeId ONE = NodeId.of("node-1");
    private static final NodeId TWO = NodeId.of("node-2");

    private final List<NodeSpec> nodes = List.of(NodeSpec.of("node-1", "127.0.0.1", 7001, Path.of("/tmp/1")),
            NodeSpec.of("node-2", "127.0.0.1", 7002, Path.of("/tmp/2")));
    private final RecoveryOptions options = RecoveryOptions.defaults();
    private final EngineState state = new EngineState(nodes, options, Clock.fixed(T0, ZoneOffset.UTC));
    private final StartupGrace grace = new StartupGrace(state);
    private final RecoveryStrategy strategy = new LadderStrategy("partition", FailureType.NETWORK_PARTITION,
            Settings.EMPTY) {
        @Override
        protected List<Failure> detect(ClusterSnapshot snapshot, ClusterHistory history) {
            return List.of();
        }
    };

    @Test
    void aFindingAboutANodeStartedByTheEngineThatHasNotAnsweredIsHeldBack() {
        state.startedByEngine(TWO, T0);
        state.updateStarting(Map.of(ONE, up(ONE), TWO, silent(TWO, ProcessStatus.alive(42))), T0.plusSeconds(2));

        assertThat(grace.holdBack(List.of(found(TWO)), T0.plusSeconds(2))).isEmpty();
        assertThat(grace.holdBack(List.of(found(ONE, TWO)), T0.plusSeconds(2))).as("it names another node too")
                .hasSize(1);
        assertThat(grace.holdBack(List.of(found(ONE)), T0.plusSeconds(2))).hasSize(1);
    }

    @Test
    void theGraceEndsWhenTheNodeAnswersWhenItsProcessEndsOrAfterVerifyTimeout() {
        state.startedByEngine(TWO, T0);
        state.updateStarting(Map.of(TWO, up(TWO)), T0.plusSeconds(1));
        assertThat(state.starting(TWO)).as("answered").isFalse();

        state.startedByEngine(TWO, T0);
        state.updateStarting(Map.of(TWO, silent(TWO, ProcessStatus.exited(42, 1))), T0.plusSeconds(1));
        assertThat(state.starting(TWO)).as("its process ended").isFalse();

        state.startedByEngine(TWO, T0);
        state.updateStarting(Map.of(TWO, silent(TWO, ProcessStatus.alive(42))),
                T0.plus(options.verifyTimeout()).minusMillis(1));
        assertThat(state.starting(TWO)).as("just before verify_timeout").isTrue();
        state.updateStarting(Map.of(TWO, silent(TWO, ProcessStatus.alive(42))), T0.plus(options.verifyTimeout()));
        assertThat(state.starting(TWO)).as("verify_timeout after the start").isFalse();
        assertThat(grace.holdBack(List.of(found(TWO)), T0.plus(options.verifyTimeout()))).hasSize(1);
    }

    @Test
    void aNodeTheEngineNeverStartedIsNeverInItsGrace() {
        state.updateStarting(Map.of(TWO, silent(TWO, ProcessStatus.alive(42))), T0);

        assertThat(grace.holdBack(List.of(found(TWO)), T0)).hasSize(1);
    }

    private Detected found(NodeId... on) {
        return new Detected(Failure.of(FailureType.NETWORK_PARTITION, List.of(on), Severity.HIGH, "cut off",
                Map.of()), strategy);
    }

    private static NodeObservation up(NodeId node) {
        return new NodeObservation.Reachable(node, T0, Duration.ofMillis(1),
                NodeStatus.builder().role(Role.FOLLOWER).term(1).build(), ProcessStatus.alive(42));
    }

    private static NodeObservation silent(NodeId node, ProcessStatus process) {
        return new NodeObservation.Unreachable(node, T0, "no answer within 2000 ms", process);
    }
}
