package org.distributedtesting.recovery.strategies.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.JournalRecord;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.RecoveryEvent;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.Severity;
import org.distributedtesting.recovery.core.RecoveryEngine;
import org.distributedtesting.recovery.core.journal.InMemoryJournal;
import org.distributedtesting.recovery.core.journal.RecoveryJournal;
import org.distributedtesting.recovery.core.monitor.EngineHealth;
import org.distributedtesting.recovery.core.monitor.RecoveryMetrics;
import org.distributedtesting.recovery.core.sim.SimulatedCluster;
import org.distributedtesting.recovery.core.sim.harness.SimulatedRecovery;
import org.distributedtesting.recovery.strategies.BuiltInStrategies;
import org.junit.jupiter.api.Test;

/**
 * The engine's meters as an operator reads them: bound to a registry with one call, moved by a real recovery on the
 * simulated cluster in virtual time, named as Prometheus expects, and with bounded labels.
 */
class RecoveryMetricsTest {

    private static final String P = RecoveryMetrics.PREFIX;

    @Test
    void aCrashRecoveryMovesTheDetectionRecoveryActionAndTimeMeters() {
        SimulatedCluster cluster = SimulatedCluster.builder().nodes(3).seed(5).build();
        NodeId leader = cluster.awaitLeader(Duration.ofSeconds(10)).orElseThrow();
        NodeId follower = cluster.nodeIds().stream().filter(n -> !n.equals(leader)).findFirst().orElseThrow();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (SimulatedRecovery recovery = SimulatedRecovery.of(cluster, strategies(), RecoveryOptions.defaults())) {
            RecoveryMetrics.bind(recovery.engine(), registry);
            recovery.runCycle();
            assertThat(gauge(registry, P + ".node.reachable", "node", follower.value())).isEqualTo(1.0);
            assertThat(registry.get(P + ".node.role").tags("node", leader.value(), "role", "leader").gauge().value())
                    .isEqualTo(1.0);
            assertThat(counter(registry, P + ".failures.detected", "type", "process_crash", "severity", "high"))
                    .as("registered at zero before any failure").isZero();

            cluster.faults().crash(follower);
            recovery.runUntilHealthy(Duration.ofMinutes(2));

            List<RecoveryEvent.RecoveryVerified> verified = recovery.events(RecoveryEvent.RecoveryVerified.class);
            assertThat(verified).hasSize(1);
            Failure failure = verified.get(0).failure();
            assertThat(counter(registry, P + ".failures.detected", "type", "process_crash", "severity",
                    failure.severity().name().toLowerCase())).isEqualTo(1.0);
            assertThat(counter(registry, P + ".recoveries", "type", "process_crash", "outcome", "verified"))
                    .isEqualTo(1.0);
            assertThat(counter(registry, P + ".recoveries", "type", "process_crash", "outcome", "escalated")).isZero();
            Timer ttr = registry.get(P + ".time.to.recover").tag("type", "process_crash").timer();
            assertThat(ttr.count()).isEqualTo(1);
            assertThat(ttr.totalTime(TimeUnit.MILLISECONDS))
                    .isEqualTo((double) verified.get(0).sinceDetected().toMillis());
            long restarts = recovery.events(RecoveryEvent.ActionTaken.class).stream()
                    .filter(e -> e.result().outcome() == ActionResult.Outcome.DONE).count();
            assertThat(restarts).isPositive();
            assertThat(registry.get(P + ".actions").tags("outcome", "done").counters().stream()
                    .mapToDouble(Counter::count).sum()).isEqualTo((double) restarts);
            assertThat(gauge(registry, P + ".node.reachable", "node", follower.value())).isEqualTo(1.0);
            assertThat(registry.get(P + ".action.budget.remaining").gauge().value())
                    .isEqualTo(RecoveryOptions.defaults().actionBudget() - (double) restarts);
            assertThat(registry.get(P + ".cycles").counter().count())
                    .isEqualTo((double) recovery.events(RecoveryEvent.CycleCompleted.class).size());
            assertThat(registry.get(P + ".journal.append").timer().count())
                    .isEqualTo(recovery.journal().records().size());

            // the time since the last cycle follows the engine's (virtual) clock
            assertThat(registry.get(P + ".last.cycle.age").gauge().value()).isZero();
            cluster.advance(Duration.ofSeconds(7));
            assertThat(registry.get(P + ".last.cycle.age").gauge().value()).isEqualTo(7.0);
        }
    }

    @Test
    void aCrashLoopEscalatesQuarantinesAndTheGaugeComesDownWhenTheNodeIsReleased() {
        SimulatedCluster cluster = SimulatedCluster.builder().nodes(3).seed(9).build();
        NodeId leader = cluster.awaitLeader(Duration.ofSeconds(10)).orElseThrow();
        NodeId follower = cluster.nodeIds().stream().filter(n -> !n.equals(leader)).findFirst().orElseThrow();
        RecoveryOptions options = RecoveryOptions.defaults().toBuilder().maxRestartAttempts(2)
                .quarantineRetryAfter(Duration.ZERO).build();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (SimulatedRecovery recovery = SimulatedRecovery.of(cluster, strategies(), options)) {
            RecoveryMetrics.bind(recovery.engine(), registry);
            cluster.faults().crashLoop(follower, 100, Duration.ofMillis(500));
            recovery.runUntilHealthy(Duration.ofMinutes(10));

            assertThat(recovery.quarantined()).containsExactly(follower);
            assertThat(registry.get(P + ".quarantined.nodes").gauge().value()).isEqualTo(1.0);
            assertThat(counter(registry, P + ".escalations", "type", "process_crash")).isEqualTo(1.0);
            assertThat(counter(registry, P + ".recoveries", "type", "process_crash", "outcome", "escalated"))
                    .isEqualTo(1.0);
            assertThat(gauge(registry, P + ".node.reachable", "node", follower.value())).isZero();
            assertThat(gauge(registry, P + ".open.failures", "type", "process_crash")).isZero();

            recovery.engine().release(follower);
            assertThat(registry.get(P + ".quarantined.nodes").gauge().value()).isZero();
        }
    }

    @Test
    void anOpenRecoveryShowsItsAgeUntilItEnds() {
        SimulatedCluster cluster = SimulatedCluster.builder().nodes(3).seed(5).build();
        NodeId leader = cluster.awaitLeader(Duration.ofSeconds(10)).orElseThrow();
        NodeId follower = cluster.nodeIds().stream().filter(n -> !n.equals(leader)).findFirst().orElseThrow();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RecoveryOptions noRestarts = RecoveryOptions.defaults().toBuilder().autoRestart(false).build();
        try (SimulatedRecovery recovery = SimulatedRecovery.of(cluster, strategies(), noRestarts)) {
            RecoveryMetrics.bind(recovery.engine(), registry);
            cluster.faults().crash(follower);
            recovery.runFor(Duration.ofSeconds(20));

            Instant firstSeen = recovery.events(RecoveryEvent.FailureConfirmed.class).get(0).firstSeen();
            double age = Duration.between(firstSeen, cluster.clock().instant()).toNanos() / 1e9;
            assertThat(gauge(registry, P + ".open.failures", "type", "process_crash")).isEqualTo(1.0);
            assertThat(gauge(registry, P + ".open.recovery.age", "type", "process_crash")).isEqualTo(age);
            assertThat(registry.get(P + ".actions").tags("outcome", "refused", "guard", "auto_restart").counter()
                    .count()).as("the refusal is counted with the guard that refused").isPositive();
            assertThat(registry.get(P + ".verify.timeout").gauge().value()).isEqualTo(60.0);
        }
    }

    @Test
    void prometheusSeesOnePrefixBaseUnitsAndTotalsForCounters() {
        SimulatedCluster cluster = SimulatedCluster.builder().nodes(3).seed(5).build();
        cluster.awaitLeader(Duration.ofSeconds(10)).orElseThrow();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (SimulatedRecovery recovery = SimulatedRecovery.of(cluster, strategies(), RecoveryOptions.defaults())) {
            RecoveryMetrics.bind(recovery.engine(), registry);
            recovery.runCycle();
            String scrape = registry.scrape();
            assertThat(scrape).contains(
                    "coordinator_recovery_failures_detected_total{severity=\"high\",type=\"process_crash\"} 0",
                    "coordinator_recovery_recoveries_total{outcome=\"verified\",type=\"split_brain\"} 0",
                    "coordinator_recovery_time_to_recover_seconds_bucket{type=\"slow_follower\",le=\"30.0\"} 0",
                    "coordinator_recovery_cycle_duration_seconds_count 1",
                    "coordinator_recovery_node_reachable{node=\"node-1\"} 1",
                    "coordinator_recovery_node_applied_lag_entries{node=\"node-1\"}",
                    "coordinator_recovery_quarantined_nodes 0",
                    "coordinator_recovery_last_cycle_age_seconds 0",
                    "coordinator_recovery_journal_append_seconds_count",
                    "coordinator_recovery_action_budget_remaining 30");
            // every sample of ours carries the one prefix, and no counter lacks _total
            scrape.lines().filter(l -> l.startsWith("# TYPE ") && l.contains(" counter"))
                    .forEach(l -> assertThat(l.split(" ")[2]).startsWith("coordinator_recovery_"));
            scrape.lines().filter(l -> !l.startsWith("#") && l.contains("_total")).forEach(l ->
                    assertThat(l).startsWith("coordinator_recovery_"));
        }
    }

    @Test
    void refusingGuardsBeyondTheBoundAreCountedAsOther() {
        SimulatedCluster cluster = SimulatedCluster.builder().nodes(3).seed(5).build();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (SimulatedRecovery recovery = SimulatedRecovery.of(cluster, strategies(), RecoveryOptions.defaults())) {
            RecoveryMetrics metrics = RecoveryMetrics.bind(recovery.engine(), registry);
            NodeId node = NodeId.of("node-1");
            Failure failure = Failure.of(FailureType.PROCESS_CRASH, List.of(node), Severity.HIGH, "down", java.util.Map.of());
            for (int i = 0; i < RecoveryMetrics.MAX_GUARD_NAMES + 20; i++) {
                metrics.onEvent(new RecoveryEvent.ActionTaken(Instant.EPOCH, failure, new Action.Restart(node),
                        new ActionResult.Refused("guard-" + i, "no"), "why", "restart", 1, Optional.empty(),
                        Optional.empty(), false));
            }
            List<String> guards = registry.get(P + ".actions").tag("outcome", "refused").counters().stream()
                    .map(c -> c.getId().getTag("guard")).distinct().toList();
            assertThat(guards).hasSize(RecoveryMetrics.MAX_GUARD_NAMES + 1).contains("other");
            assertThat(registry.get(P + ".actions").tags("outcome", "refused", "guard", "other").counter().count())
                    .isEqualTo(20.0);
        }
    }

    @Test
    void closingRemovesTheMetersAndBindingTwiceIsAnError() {
        SimulatedCluster cluster = SimulatedCluster.builder().nodes(3).seed(5).build();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (SimulatedRecovery recovery = SimulatedRecovery.of(cluster, strategies(), RecoveryOptions.defaults())) {
            RecoveryMetrics metrics = RecoveryMetrics.bind(recovery.engine(), registry);
            assertThatThrownBy(() -> metrics.bindTo(new SimpleMeterRegistry()))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("bound already");
            assertThat(registry.getMeters()).isNotEmpty();
            metrics.close();
            assertThat(registry.getMeters()).isEmpty();
            recovery.runCycle();
            assertThat(registry.getMeters()).as("no meter comes back after close").isEmpty();
        }
    }

    @Test
    void aJournalThatCannotBeWrittenIsCountedAndMakesTheEngineUnhealthyUntilItWritesAgain() throws Exception {
        SimulatedCluster cluster = SimulatedCluster.builder().nodes(3).seed(5).build();
        NodeId leader = cluster.awaitLeader(Duration.ofSeconds(10)).orElseThrow();
        NodeId follower = cluster.nodeIds().stream().filter(n -> !n.equals(leader)).findFirst().orElseThrow();
        FailingJournal journal = new FailingJournal();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (RecoveryEngine engine = cluster.engine().strategies(strategies()).journal(journal).build()) {
            RecoveryMetrics.bind(engine, registry);
            EngineHealth health = EngineHealth.watch(engine, Duration.ofSeconds(1));
            engine.runCycle();
            assertThat(health.check().status()).isEqualTo(EngineHealth.Status.OK);

            journal.failing.set(true);
            cluster.faults().crash(follower);
            boolean cycleFailed = false;
            for (int i = 0; i < 5 && !cycleFailed; i++) {
                cluster.advance(Duration.ofSeconds(1));
                try {
                    engine.runCycle();
                } catch (UncheckedIOException expected) {
                    // the cycle that could not journal its decision fails: that is what the health check reports
                    cycleFailed = true;
                }
            }
            assertThat(cycleFailed).as("a cycle that had to journal the crash").isTrue();
            assertThat(registry.get(P + ".journal.append.failures").counter().count()).isPositive();
            EngineHealth.Check check = health.check();
            assertThat(check.status()).isEqualTo(EngineHealth.Status.JOURNAL_FAILING);
            assertThat(check.healthy()).isFalse();
            assertThat(check.reason()).contains("the journal cannot be written: disk full");

            journal.failing.set(false);
            engine.runUntilSettled(Duration.ofMinutes(2));
            assertThat(health.check().status()).isEqualTo(EngineHealth.Status.OK);
        }
    }

    private static double counter(MeterRegistry registry, String name, String... tags) {
        return registry.get(name).tags(tags).counter().count();
    }

    private static double gauge(MeterRegistry registry, String name, String... tags) {
        return registry.get(name).tags(tags).gauge().value();
    }

    private static List<org.distributedtesting.recovery.RecoveryStrategy> strategies() {
        return new BuiltInStrategies().strategies(name -> Settings.EMPTY);
    }

    /** An in-memory journal whose appends fail while {@link #failing} is set, as on a full disk. */
    private static final class FailingJournal implements RecoveryJournal {
        final AtomicBoolean failing = new AtomicBoolean();
        private final InMemoryJournal records = new InMemoryJournal();

        @Override
        public void append(JournalRecord record) {
            if (failing.get()) {
                throw new UncheckedIOException(new java.io.IOException("disk full"));
            }
            records.append(record);
        }

        @Override
        public List<JournalRecord> records() {
            return records.records();
        }

        @Override
        public void saveRecoveryLog() {
        }

        @Override
        public void close() {
        }
    }
}
