package org.distributedtesting.recovery.examples.custom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.distributedtesting.recovery.examples.custom.FakeCoordinators.id;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.core.RecoveryEngine;
import org.distributedtesting.recovery.core.SettleReport;
import org.distributedtesting.recovery.core.journal.InMemoryJournal;
import org.junit.jupiter.api.Test;

class PagingCrashStrategyTest {

    private final FakeCoordinators cluster = new FakeCoordinators(3);
    private final MutableClock clock = new MutableClock();
    private final InMemoryJournal journal = new InMemoryJournal();
    private final List<Failure> pages = new CopyOnWriteArrayList<>();

    private RecoveryEngine engine(Pager pager, RecoveryOptions options) {
        return RecoveryEngine.builder()
                .nodes(cluster.specs())
                .probe(cluster)
                .control(cluster)
                .supervisor(cluster)
                .strategy(new PagingCrashStrategy(Settings.EMPTY, pager))
                .options(options)
                .journal(journal)
                .clock(clock)
                .sleeper(clock::advance)
                .probeExecutor(Runnable::run)
                .build();
    }

    @Test
    void restartsCrashedNodeAfterPagingOnceWithTheFailure() throws Exception {
        // Given
        cluster.crash(2);

        try (RecoveryEngine engine = engine(pages::add, RecoveryOptions.defaults())) {
            // When
            SettleReport report = engine.runUntilSettled(Duration.ofMinutes(5));

            // Then
            assertThat(report.healthy()).isTrue();
            assertThat(cluster.starts()).containsExactly(id(2));
            assertThat(report.last().verified()).singleElement()
                    .satisfies(f -> assertThat(f.key()).isEqualTo("process_crash:node-2"));
            assertThat(pages).containsExactlyElementsOf(report.last().verified());
            assertThat(pages.get(0).type()).isEqualTo(FailureType.PROCESS_CRASH);
        }
    }

    @Test
    void failingPagerDoesNotKeepTheNodeDown() throws Exception {
        // Given
        cluster.crash(3);
        Pager broken = failure -> {
            throw new IllegalStateException("paging service unavailable");
        };

        try (RecoveryEngine engine = engine(broken, RecoveryOptions.defaults())) {
            // When
            SettleReport report = engine.runUntilSettled(Duration.ofMinutes(5));

            // Then
            assertThat(report.healthy()).isTrue();
            assertThat(cluster.starts()).containsExactly(id(3));
        }
    }

    @Test
    void dryRunPlansTheRestartAndPagesNoOne() {
        // Given
        cluster.crash(2);
        RecoveryOptions dryRun = RecoveryOptions.builder().dryRun(true).build();

        try (RecoveryEngine engine = engine(pages::add, dryRun)) {
            // When: enough cycles to confirm the crash and run the rung
            for (int i = 0; i < dryRun.confirmations() + 1; i++) {
                engine.runCycle();
                clock.advance(dryRun.verifyInterval());
            }

            // Then
            assertThat(pages).isEmpty();
            assertThat(cluster.starts()).isEmpty();
            assertThat(journal.records("restart_node")).singleElement()
                    .satisfies(r -> assertThat(r.details()).containsEntry("outcome", "planned"));
        }
    }
}
