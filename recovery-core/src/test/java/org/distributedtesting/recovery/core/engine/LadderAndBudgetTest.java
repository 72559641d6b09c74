package org.distributedtesting.recovery.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.ClusterHistory;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.RecoveryContext;
import org.distributedtesting.recovery.RecoveryEvent;
import org.distributedtesting.recovery.RungResult;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.Severity;
import org.distributedtesting.recovery.core.CycleReport;
import org.distributedtesting.recovery.core.LadderStrategy;
import org.junit.jupiter.api.Test;

class LadderAndBudgetTest {

    private static BiFunction<Failure, RecoveryContext, RungResult> recording(List<String> log, String name,
                                                                               RungResult result) {
        return (f, c) -> {
            log.add(name + "#" + c.attempt());
            c.perform(new Action.Custom(f.nodes().get(0), name, Action.Impact.NONE, Map.of()), "test");
            return result;
        };
    }

    private static TestStrategy ladder(List<String> log, RungResult... results) {
        List<Map.Entry<String, BiFunction<Failure, RecoveryContext, RungResult>>> rungs = new ArrayList<>();
        for (int i = 0; i < results.length; i++) {
            rungs.add(Map.entry("rung" + i, recording(log, "rung" + i, results[i])));
        }
        return new TestStrategy("deadlock", FailureType.DEADLOCK, false, rungs);
    }

    @Test
    void verifiesARungByReprobingAndJournalsTheTimeToRecover() {
        try (EngineHarness h = new EngineHarness(3, EngineHarness.FAST, TestStrategy.of(FailureType.PROCESS_CRASH,
                "restart", (f, c) -> {
                    c.perform(new Action.Restart(f.nodes().get(0)), "crashed");
                    return RungResult.acted("restarted");
                }))) {
            h.cluster.crash(2);
            h.cycles(3);
            h.cluster.heal(2);
            CycleReport report = h.cycles(1);
            assertThat(report.verified()).hasSize(1);
            assertThat(h.records("recovery_verified")).singleElement().satisfies(r -> assertThat(r.details())
                    .containsEntry("rung", "restart").containsEntry("outcome", "recovered")
                    .containsEntry("time_to_recover_ms", 3000L));
            assertThat(h.events(RecoveryEvent.RecoveryVerified.class)).hasSize(1);
            // and a verified failure is not also reported as one that went away by itself
            h.cycles(3);
            assertThat(h.records("failure_cleared")).isEmpty();
            assertThat(h.events(RecoveryEvent.FailureCleared.class)).isEmpty();
        }
    }

    @Test
    void aRungIsVerifiedAgainstTheFindingItActedOnNotALaterFindingOfTheSameNodes() {
        // Given a strategy whose detector reports a second finding for the same node once its rung has done its work
        // (as term divergence reports the node it paused as paused once the terms agree), and whose isResolved says
        // the first finding is gone two verifications after the rung acted (as a campaign must have stopped for a
        // while), the second never (it waits for another rung)
        AtomicBoolean acted = new AtomicBoolean();
        AtomicInteger checks = new AtomicInteger();
        LadderStrategy strategy = new LadderStrategy("deadlock", FailureType.DEADLOCK, Settings.EMPTY) {
            {
                rung("pause", (f, c) -> {
                    acted.set(true);
                    return RungResult.acted("paused");
                });
            }

            @Override
            protected List<Failure> detect(ClusterSnapshot snapshot, ClusterHistory history) {
                String finding = acted.get() ? "paused" : "loop";
                return List.of(Failure.of(FailureType.DEADLOCK, List.of(NodeId.of("node-1")), Severity.MEDIUM,
                        finding, Map.of("finding", finding)));
            }

            @Override
            public boolean isResolved(Failure failure, ClusterSnapshot now, ClusterHistory history) {
                return "loop".equals(failure.evidence().get("finding")) && checks.incrementAndGet() > 2;
            }
        };
        try (EngineHarness h = new EngineHarness(3, EngineHarness.FAST, strategy)) {
            // When the rung acts on the first finding and the detector then reports the second
            h.cycles(3);
            h.cycles(4);

            // Then the rung is verified by the finding it acted on, not timed out by the later one
            assertThat(h.records("recovery_verified")).singleElement()
                    .satisfies(r -> assertThat(r.details()).containsEntry("rung", "pause"));
            assertThat(h.records("recovery_rung_failed")).isEmpty();
        }
    }

    @Test
    void climbsTheLadderWhenARungIsNotVerifiedInTimeAndRepeatsTheLastRung() {
        List<String> log = new ArrayList<>();
        try (EngineHarness h = new EngineHarness(3, EngineHarness.FAST.toBuilder().maxRestartAttempts(10).build(),
                ladder(log, RungResult.acted("a"), RungResult.acted("b")))) {
            h.cluster.crash(2);
            // 3 cycles to confirm, then each rung gets verify_timeout (5 s) and backoff 10 s, 20 s, 40 s
            for (int i = 0; i < 120; i++) {
                h.cycles(1);
            }
            assertThat(log).startsWith("rung0#1", "rung1#2", "rung1#3");
            assertThat(h.records("recovery_rung_failed")).extracting(r -> r.details().get("rung"))
                    .startsWith("rung0", "rung1");
        }
    }

    @Test
    void aSkippedRungClimbsAtOnceInTheSameCycle() {
        List<String> log = new ArrayList<>();
        try (EngineHarness h = new EngineHarness(3, EngineHarness.FAST,
                ladder(log, RungResult.skipped("nothing to cancel"), RungResult.acted("restarted")))) {
            h.cluster.crash(2);
            h.cycles(3);
            assertThat(log).containsExactly("rung0#1", "rung1#1");
        }
    }

    @Test
    void waitsAnExponentialBackoffBetweenFailedAttempts() {
        List<String> log = new ArrayList<>();
        try (EngineHarness h = new EngineHarness(3, EngineHarness.FAST.toBuilder().maxRestartAttempts(10).build(),
                ladder(log, RungResult.failed("could not")))) {
            h.cluster.crash(2);
            List<Long> attemptsAt = new ArrayList<>();
            for (int second = 0; second < 100; second++) {
                int before = log.size();
                h.cycle(Duration.ofSeconds(1));
                if (log.size() > before) {
                    attemptsAt.add((long) second);
                }
            }
            // confirmed at once (its process ended: certain); then 10 s, 20 s, 40 s (capped at backoff_max 40 s) apart
            assertThat(attemptsAt).startsWith(0L, 10L, 30L, 70L);
        }
    }

    @Test
    void escalatesAndQuarantinesWhenTheAttemptBudgetIsSpentInsteadOfLooping() {
        List<String> log = new ArrayList<>();
        try (EngineHarness h = new EngineHarness(3, EngineHarness.FAST.toBuilder()
                .maxRestartAttempts(3).backoffInitial(Duration.ZERO).backoffMax(Duration.ZERO).build(),
                ladder(log, RungResult.failed("could not")))) {
            h.cluster.crash(2);
            h.cycles(200);
            assertThat(log).hasSize(3);
            assertThat(h.engine.quarantined()).containsExactly(FakeCluster.id(2));
            assertThat(h.events(RecoveryEvent.Escalated.class)).singleElement()
                    .satisfies(e -> assertThat(e.reason()).contains("max_restart_attempts (3)"));
            assertThat(h.records("node_quarantined")).singleElement()
                    .satisfies(r -> assertThat(r.details()).containsEntry("node_id", "node-2"));
            assertThat(h.cycles(1).stuck()).isTrue();
        }
    }

    @Test
    void theEscalationSaysHowLongTheAttemptsReallySpannedNotTheRestartCooldown() {
        List<String> log = new ArrayList<>();
        // backoff of 50 s then 100 s between three attempts: they span 150 s, well past restart_cooldown (60 s),
        // and still count together because the node was never healthy in between
        try (EngineHarness h = new EngineHarness(3, EngineHarness.FAST.toBuilder().maxRestartAttempts(3)
                .backoffInitial(Duration.ofSeconds(50)).backoffMax(Duration.ofSeconds(100)).build(),
                ladder(log, RungResult.failed("could not")))) {
            h.cluster.crash(2);
            h.cycles(400);

            assertThat(log).hasSize(3);
            String reason = h.events(RecoveryEvent.Escalated.class).get(0).reason();
            java.util.regex.Matcher span = java.util.regex.Pattern.compile("3 attempts over (\\d+) s").matcher(reason);
            assertThat(span.find()).as(reason).isTrue();
            assertThat(Long.parseLong(span.group(1))).as(reason).isGreaterThanOrEqualTo(150);
            assertThat(reason).contains("with no healthy restart_cooldown (60 s) between them")
                    .doesNotContain("within restart_cooldown");
        }
    }

    @Test
    void releasesAQuarantinedNodeOnceItHasBeenHealthyForTheRestartWindow() {
        List<String> log = new ArrayList<>();
        try (EngineHarness h = new EngineHarness(3, EngineHarness.FAST.toBuilder()
                .maxRestartAttempts(1).build(), ladder(log, RungResult.failed("could not")))) {
            h.cluster.crash(2);
            h.cycles(30);
            assertThat(h.engine.quarantined()).containsExactly(FakeCluster.id(2));
            h.cluster.heal(2);
            h.cycles(61);
            assertThat(h.engine.quarantined()).isEmpty();
            assertThat(h.records("node_released")).hasSize(1);
            // and a new failure gets a fresh budget
            h.cluster.crash(2);
            h.cycles(3);
            assertThat(log).hasSize(2);
        }
    }

    @Test
    void aQuarantinedNodeHalfOpensAfterTheRetryDelayForExactlyOneMoreAttempt() {
        List<String> log = new ArrayList<>();
        try (EngineHarness h = new EngineHarness(3, EngineHarness.FAST.toBuilder().maxRestartAttempts(2)
                .quarantineRetryAfter(Duration.ofSeconds(100)).build(), ladder(log, RungResult.failed("could not")))) {
            h.cluster.crash(2);
            h.cycles(60);
            assertThat(log).hasSize(2);
            assertThat(h.engine.quarantined()).containsExactly(FakeCluster.id(2));
            // when the retry delay has passed
            h.cycles(60);
            // then exactly one more attempt ran, and the node is quarantined again
            assertThat(h.records("node_half_open")).hasSize(1);
            assertThat(log).hasSize(3);
            assertThat(h.engine.quarantined()).containsExactly(FakeCluster.id(2));
            assertThat(h.records("node_quarantined")).hasSize(2);
        }
    }

    @Test
    void anOperatorCanReleaseAQuarantinedNode() {
        List<String> log = new ArrayList<>();
        try (EngineHarness h = new EngineHarness(3, EngineHarness.FAST.toBuilder()
                .maxRestartAttempts(1).build(), ladder(log, RungResult.failed("could not")))) {
            h.cluster.crash(2);
            h.cycles(30);
            assertThat(h.engine.release(FakeCluster.id(2))).isTrue();
            h.cycles(1);
            assertThat(log).hasSize(2);
        }
    }

    @Test
    void leavesANodeTheRecoveryDisturbedAloneDuringItsCooldown() {
        List<String> log = new ArrayList<>();
        TestStrategy disturbing = TestStrategy.of(FailureType.DEADLOCK, "rung0", (f, c) -> {
            log.add("rung0#" + c.attempt());
            c.perform(new Action.Custom(f.nodes().get(0), "bounce", Action.Impact.DISRUPTIVE, Map.of()), "test");
            return RungResult.acted("done");
        });
        try (EngineHarness h = new EngineHarness(3, EngineHarness.FAST, disturbing)) {
            h.cluster.cutOff(2);
            h.cycles(3);
            h.cluster.heal(2);
            h.cycles(1);
            assertThat(h.records("recovery_verified")).hasSize(1);
            // when it fails again at once, its process alive
            h.cluster.cutOff(2);
            h.cycles(10);
            // then the node is left alone until its 30 s cooldown has passed
            assertThat(log).hasSize(1);
            h.cycles(25);
            assertThat(log).hasSize(2);
        }
    }

    @Test
    void aRecoveryThatOnlyHelpedTheNodeLeavesNoCooldown() {
        List<String> log = new ArrayList<>();
        try (EngineHarness h = new EngineHarness(3, EngineHarness.FAST.toBuilder().backoffInitial(Duration.ZERO)
                .backoffMax(Duration.ZERO).build(), ladder(log, RungResult.acted("done")))) {
            // given a recovery whose only action did nothing to the node's availability (impact none)
            h.cluster.cutOff(2);
            h.cycles(3);
            h.cluster.heal(2);
            h.cycles(1);
            assertThat(h.records("recovery_verified")).hasSize(1);
            // when the node fails again at once
            h.cluster.cutOff(2);
            h.cycles(3);
            // then it is acted on as soon as the failure is confirmed again
            assertThat(log).hasSize(2);
        }
    }

    @Test
    void resetsTheAttemptCountAfterTheNodeStaysHealthyForTheRestartWindow() {
        List<String> log = new ArrayList<>();
        try (EngineHarness h = new EngineHarness(3, EngineHarness.FAST.toBuilder().maxRestartAttempts(2)
                .nodeCooldown(Duration.ZERO).build(), ladder(log, RungResult.acted("done")))) {
            for (int round = 0; round < 4; round++) {
                h.cluster.crash(2);
                h.cycles(3);
                h.cluster.heal(2);
                h.cycles(61);
            }
            assertThat(log).containsExactly("rung0#1", "rung0#1", "rung0#1", "rung0#1");
            assertThat(h.engine.quarantined()).isEmpty();
        }
    }

    @Test
    void aStrategyThatThrowsYieldsAFailedRungAndTheLoopGoesOn() {
        TestStrategy throwing = TestStrategy.of(FailureType.DEADLOCK, "boom", (f, c) -> {
            throw new IllegalStateException("bug in strategy");
        });
        try (EngineHarness h = new EngineHarness(3, EngineHarness.FAST, throwing)) {
            h.cluster.crash(2);
            h.cycles(20);
            assertThat(h.records("recovery_rung_failed")).isNotEmpty().first()
                    .satisfies(r -> assertThat((String) r.details().get("why")).contains("bug in strategy"));
        }
    }

    @Test
    void aDetectorThatThrowsIsIgnoredAndOtherStrategiesStillRun() {
        TestStrategy broken = new TestStrategy("split_brain", FailureType.SPLIT_BRAIN, false, List.of(
                Map.entry("x", (f, c) -> RungResult.acted("x")))) {
            @Override
            protected List<Failure> detect(org.distributedtesting.recovery.ClusterSnapshot s,
                                           org.distributedtesting.recovery.ClusterHistory h) {
                throw new IllegalStateException("bug in detector");
            }
        };
        try (EngineHarness h = new EngineHarness(3, EngineHarness.FAST, broken,
                TestStrategy.of(FailureType.PROCESS_CRASH, "restart", EngineHarness::restartFirst))) {
            h.cluster.crash(2);
            h.cycles(3);
            assertThat(h.records("restart_node")).hasSize(1);
        }
    }

    @Test
    void oneRecoveryPerNodeAtATime() {
        List<ActionResult> second = new ArrayList<>();
        TestStrategy crash = TestStrategy.of(FailureType.PROCESS_CRASH, "restart", (f, c) -> {
            c.perform(new Action.Restart(f.nodes().get(0)), "crash");
            return RungResult.acted("restarted");
        });
        TestStrategy slow = TestStrategy.of(FailureType.SLOW_FOLLOWER, "sync", (f, c) -> {
            second.add(c.perform(new Action.TriggerSync(f.nodes().get(0), FakeCluster.id(1)), "lag"));
            return RungResult.acted("synced");
        });
        try (EngineHarness h = new EngineHarness(3, EngineHarness.FAST, crash, slow)) {
            h.cluster.crash(2);
            // while the crash recovery of node-2 (restarted in the first cycle: its process ended) awaits
            // verification, for verify_timeout (5 s), the slow-follower failure waits
            h.cycles(5);
            assertThat(second).isEmpty();
            assertThat(h.cluster.actions()).hasSize(1);
        }
    }

    @Test
    void runUntilSettledReturnsHealthyOnceTheRecoveryIsVerified() throws InterruptedException {
        try (EngineHarness h = new EngineHarness(3, EngineHarness.FAST, TestStrategy.of(FailureType.PROCESS_CRASH,
                "restart", EngineHarness::restartFirst))) {
            // given a node whose restart brings it back
            h.cluster.onAction(a -> {
                if (a instanceof Action.Start start) {
                    h.cluster.heal(Integer.parseInt(start.node().value().substring(5)));
                }
                return ActionResult.Done.of("ok");
            });
            h.cluster.crash(2);
            // when the engine runs until settled on virtual time
            var report = h.engine.runUntilSettled(Duration.ofMinutes(5));
            // then the first cycle restarts it (its process ended: no confirmations needed), the second verifies
            assertThat(report.healthy()).isTrue();
            assertThat(report.cycles()).isEqualTo(2);
            assertThat(h.clock.instant()).isEqualTo(java.time.Instant.parse("2026-01-01T00:00:01Z"));
        }
    }

    @Test
    void runUntilSettledGivesUpWhenEveryFailureIsQuarantined() throws InterruptedException {
        try (EngineHarness h = new EngineHarness(3, EngineHarness.FAST.toBuilder().maxRestartAttempts(1).build(),
                TestStrategy.of(FailureType.PROCESS_CRASH, "restart", EngineHarness::restartFirst))) {
            h.cluster.crash(2);
            var report = h.engine.runUntilSettled(Duration.ofMinutes(5));
            assertThat(report.healthy()).isFalse();
            assertThat(report.last().stuck()).isTrue();
            assertThat(report.remaining()).extracting(Failure::key).containsExactly("process_crash:node-2");
        }
    }
}
