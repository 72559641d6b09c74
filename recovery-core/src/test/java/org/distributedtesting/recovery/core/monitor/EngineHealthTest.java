package org.distributedtesting.recovery.core.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.RecoveryEvent;
import org.distributedtesting.recovery.core.monitor.EngineHealth.Status;
import org.junit.jupiter.api.Test;

/** What /health and /ready say as a daemon's loop lives, stalls, loses its journal and stops. */
class EngineHealthTest {

    private static final Duration INTERVAL = Duration.ofSeconds(30);

    private Instant now = Instant.parse("2026-12-07T10:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };

    @Test
    void startingIsHealthyButNotReadyUntilTheFirstCycleCompletes() {
        EngineHealth health = new EngineHealth(clock, INTERVAL);
        now = now.plusSeconds(10);

        EngineHealth.Check check = health.check();

        assertThat(check.status()).isEqualTo(Status.STARTING);
        assertThat(check.healthy()).isTrue();
        assertThat(check.ready()).isFalse();
        assertThat(check.reason()).isEqualTo("started 10.0 s ago; the first cycle has not completed yet");

        health.onEvent(cycle());
        assertThat(health.check().status()).isEqualTo(Status.OK);
        assertThat(health.ready()).isTrue();
        assertThat(health.check().cycles()).isEqualTo(1);
    }

    @Test
    void healthyUntilThreeIntervalsPassWithoutACompletedCycle() {
        EngineHealth health = new EngineHealth(clock, INTERVAL);
        health.onEvent(cycle());

        now = now.plus(INTERVAL.multipliedBy(3));
        assertThat(health.check().healthy()).as("exactly three intervals is still on time").isTrue();

        now = now.plusMillis(100);
        EngineHealth.Check check = health.check();
        assertThat(check.status()).isEqualTo(Status.STALLED);
        assertThat(check.healthy()).isFalse();
        assertThat(check.ready()).as("it was ready once; readiness is about the first cycle").isTrue();
        assertThat(check.reason()).isEqualTo("the last cycle completed 90.1 s ago: more than 3 intervals of 30.0 s");

        health.onEvent(cycle());
        assertThat(health.check().status()).isEqualTo(Status.OK);
    }

    @Test
    void aDaemonWhoseFirstCycleNeverCompletesIsStalledAfterThreeIntervals() {
        EngineHealth health = new EngineHealth(clock, INTERVAL);
        now = now.plusSeconds(91);

        EngineHealth.Check check = health.check();

        assertThat(check.status()).isEqualTo(Status.STALLED);
        assertThat(check.reason()).startsWith("no cycle has completed since the start, 91.0 s ago");
        assertThat(check.lastCycle()).isEmpty();
    }

    @Test
    void aFailedJournalAppendIsUnhealthyUntilAnAppendOrAWholeCycleSucceeds() {
        EngineHealth health = new EngineHealth(clock, INTERVAL);
        health.onEvent(cycle());

        health.appendFailed(Duration.ofMillis(3), new UncheckedIOException(new IOException("No space left on device")));
        EngineHealth.Check check = health.check();
        assertThat(check.status()).isEqualTo(Status.JOURNAL_FAILING);
        assertThat(check.healthy()).isFalse();
        assertThat(check.reason()).isEqualTo("the journal cannot be written: No space left on device");

        health.appended(Duration.ofMillis(1));
        assertThat(health.check().status()).isEqualTo(Status.OK);

        health.appendFailed(Duration.ofMillis(3), new IllegalStateException("journal closed\u001b[31m"));
        assertThat(health.check().reason()).as("escaped for a terminal")
                .isEqualTo("the journal cannot be written: journal closed\\u001B[31m");
        health.onEvent(cycle());
        assertThat(health.check().status()).isEqualTo(Status.OK);
    }

    @Test
    void stoppingIsUnhealthyWhateverElseHolds() {
        EngineHealth health = new EngineHealth(clock, INTERVAL);
        health.onEvent(cycle());

        health.stopping();

        assertThat(health.check().status()).isEqualTo(Status.STOPPING);
        assertThat(health.check().healthy()).isFalse();
        assertThat(health.check().reason()).isEqualTo("the daemon is stopping");
    }

    @Test
    void theIntervalMustBePositive() {
        assertThatThrownBy(() -> new EngineHealth(clock, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("interval must be > 0, but was PT0S");
    }

    private RecoveryEvent.CycleCompleted cycle() {
        ClusterSnapshot empty = new ClusterSnapshot(1, now, List.of(), Map.of());
        return new RecoveryEvent.CycleCompleted(now, empty, List.of(), Duration.ofMillis(5));
    }
}
