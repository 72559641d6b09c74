package org.distributedtesting.recovery.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.ClusterHistory;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.RungResult;
import org.distributedtesting.recovery.Severity;
import org.junit.jupiter.api.Test;

/**
 * {@code runUntilSettled} (the daemon's {@code --once}) calls the cluster healthy only when nothing is detected, nothing
 * is forming and nothing awaits an answer: a failure seen but not yet reported or confirmed keeps it running.
 */
class SettleOnFormingFailuresTest {

    /** Sees a failure forming on node-3 while {@code forming} is set, and never reports it. */
    private static TestStrategy formingOn3(AtomicBoolean forming) {
        return new TestStrategy("disk", FailureType.RESOURCE_EXHAUSTION, false,
                List.of(Map.entry("cleanup", (f, c) -> RungResult.acted("cleaned")))) {
            @Override
            protected List<Failure> detect(ClusterSnapshot snapshot, ClusterHistory history) {
                return List.of();
            }

            @Override
            protected List<Failure> forming(ClusterSnapshot snapshot, ClusterHistory history) {
                return forming.get() ? List.of(new Failure(FailureType.RESOURCE_EXHAUSTION,
                        List.of(FakeCluster.id(3)), Severity.MEDIUM, "disk at 95%", Map.of(), false)) : List.of();
            }
        };
    }

    @Test
    void aFailureFormingIsNotHealthyAndRemainsWhenTheTimeIsUp() throws InterruptedException {
        try (EngineHarness h = new EngineHarness(3, EngineHarness.FAST, formingOn3(new AtomicBoolean(true)))) {
            // When
            var report = h.engine.runUntilSettled(Duration.ofSeconds(10));

            // Then
            assertThat(report.healthy()).isFalse();
            assertThat(report.cycles()).isGreaterThan(1);
            assertThat(report.remaining()).extracting(Failure::key).containsExactly("resource_exhaustion:node-3");
        }
    }

    @Test
    void settlesOnceTheFormingFailureIsGone() throws InterruptedException {
        AtomicBoolean forming = new AtomicBoolean(true);
        try (EngineHarness h = new EngineHarness(3, EngineHarness.FAST, formingOn3(forming))) {
            // Given a failure forming for the first three cycles
            h.engine.addListener(e -> {
                if (e instanceof org.distributedtesting.recovery.RecoveryEvent.CycleCompleted c
                        && c.snapshot().cycle() == 3) {
                    forming.set(false);
                }
            });

            // When
            var report = h.engine.runUntilSettled(Duration.ofMinutes(1));

            // Then
            assertThat(report.healthy()).isTrue();
            assertThat(report.cycles()).isEqualTo(4);
        }
    }

    @Test
    void aNodeStartedIsNotHealthyUntilItAnswers() throws InterruptedException {
        try (EngineHarness h = new EngineHarness(3, EngineHarness.FAST, TestStrategy.of(FailureType.PROCESS_CRASH,
                "restart", EngineHarness::restartFirst))) {
            // Given a node never started, which answers once started
            h.cluster.neverStarted(2);
            h.cluster.onAction(a -> {
                if (a instanceof Action.Start) {
                    h.cluster.heal(2);
                }
                return ActionResult.Done.of("ok");
            });

            // When
            var first = h.engine.runCycle();
            var report = h.engine.runUntilSettled(Duration.ofMinutes(1));

            // Then
            assertThat(first.awaitingVerification()).isEqualTo(1);
            assertThat(first.healthy()).isFalse();
            assertThat(report.healthy()).isTrue();
        }
    }
}
