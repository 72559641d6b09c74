package org.distributedtesting.recovery.examples.custom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.distributedtesting.recovery.examples.custom.FakeCoordinators.id;

import java.time.Duration;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.core.RecoveryEngine;
import org.distributedtesting.recovery.core.SettleReport;
import org.distributedtesting.recovery.core.StrategyRegistry;
import org.distributedtesting.recovery.core.journal.InMemoryJournal;
import org.junit.jupiter.api.Test;

class DiskAlarmRecoveryTest {

    private final FakeCoordinators cluster = new FakeCoordinators(3);
    private final MutableClock clock = new MutableClock();
    private final InMemoryJournal journal = new InMemoryJournal();

    /** The discovered strategies plus the disk alarm, registered by code as a host would. */
    private RecoveryEngine engine(RecoveryOptions options) {
        StrategyRegistry registry = StrategyRegistry.discover(name -> Settings.EMPTY);
        registry.register(new DiskAlarmStrategy(0.9));
        return RecoveryEngine.builder()
                .nodes(cluster.specs())
                .probe(cluster)
                .control(cluster)
                .supervisor(cluster)
                .strategies(registry.all())
                .options(options)
                .journal(journal)
                .clock(clock)
                .sleeper(clock::advance)
                .probeExecutor(Runnable::run)
                .build();
    }

    @Test
    void cleansUpANodeAboveTheThresholdThroughTheEngine() throws Exception {
        // Given
        cluster.diskRatio(3, 0.97);

        try (RecoveryEngine engine = engine(RecoveryOptions.defaults())) {
            // When
            SettleReport report = engine.runUntilSettled(Duration.ofMinutes(5));

            // Then
            assertThat(report.healthy()).isTrue();
            assertThat(cluster.actions()).containsExactly(new Action.CleanupResources(id(3)));
            assertThat(journal.records("cleanup_resources")).singleElement()
                    .satisfies(r -> assertThat(r.details())
                            .containsEntry("node_id", "node-3")
                            .containsEntry("outcome", "done")
                            .containsEntry("rung", DiskAlarmStrategy.CLEANUP)
                            .containsEntry("quorum_effect", "none"));
            assertThat(report.last().verified()).extracting(f -> f.key()).containsExactly("disk_alarm:node-3");
        }
    }

    @Test
    void leavesNodesAtOrBelowTheThresholdAlone() throws Exception {
        // Given disks below the alarm's threshold (0.9) and below the built-in resource strategy's (0.90, which counts
        // a disk at it as exhaustion forming: a cluster with one is not settled)
        cluster.diskRatio(1, 0.89);
        cluster.diskRatio(2, 0.6);

        try (RecoveryEngine engine = engine(RecoveryOptions.defaults())) {
            // When
            SettleReport report = engine.runUntilSettled(Duration.ofMinutes(5));

            // Then
            assertThat(report.healthy()).isTrue();
            assertThat(report.cycles()).isEqualTo(1);
            assertThat(cluster.actions()).isEmpty();
        }
    }

    @Test
    void dryRunGuardPlansTheCleanupWithoutTouchingTheNode() {
        // Given
        cluster.diskRatio(2, 0.99);
        RecoveryOptions dryRun = RecoveryOptions.builder().dryRun(true).build();

        try (RecoveryEngine engine = engine(dryRun)) {
            // When: enough cycles to confirm the alarm and run the rung
            for (int i = 0; i < dryRun.confirmations() + 1; i++) {
                engine.runCycle();
                clock.advance(dryRun.verifyInterval());
            }

            // Then
            assertThat(cluster.actions()).isEmpty();
            assertThat(journal.records("cleanup_resources")).singleElement()
                    .satisfies(r -> assertThat(r.details())
                            .containsEntry("node_id", "node-2")
                            .containsEntry("outcome", "planned")
                            .containsEntry("dry_run", true));
        }
    }
}
