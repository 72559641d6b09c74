package org.distributedtesting.recovery.strategies.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.RecoveryEvent;
import org.distributedtesting.recovery.Severity;
import org.junit.jupiter.api.Test;

class TimelineTest {

    private static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private static RecoveryEvent.RecoveryVerified verified(Instant at) {
        Failure failure = Failure.of(FailureType.PROCESS_CRASH, List.of(NodeId.of("node-3")), Severity.MEDIUM,
                "'node-3' is down", Map.of());
        return new RecoveryEvent.RecoveryVerified(at, failure, "restart", Duration.ofMillis(5_000));
    }

    @Test
    void theDaemonWritesTheWallClockTimeOfDay() {
        // Given
        Timeline timeline = new Timeline(new PrintStream(out, true, StandardCharsets.UTF_8));

        // When
        timeline.onEvent(verified(Instant.parse("2026-11-26T07:12:03.010Z")));

        // Then
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("07:12:03.010  RECOVERED  process_crash:node-3"
                + " by 'restart' 5.0 s after it was first seen" + System.lineSeparator());
    }

    @Test
    void aSimulationWritesVirtualSecondsWithTheSameWording() {
        // Given
        Timeline timeline = new Timeline(new PrintStream(out, true, StandardCharsets.UTF_8),
                Timeline.TimeFormat.virtual(EPOCH));

        // When
        String recovered = timeline.line(verified(EPOCH.plusMillis(17_000)));
        String injected = timeline.injected(EPOCH.plusMillis(12_000), FailureType.PROCESS_CRASH,
                List.of(NodeId.of("node-3")), "process killed");

        // Then
        assertThat(recovered).isEqualTo("   17.000s  RECOVERED  process_crash:node-3 by 'restart' 5.0 s (virtual)"
                + " after it was first seen");
        assertThat(injected).isEqualTo("   12.000s  INJECTED   process_crash on node-3: process killed");
    }

    @Test
    void cycleEventsAreNotShown() {
        // Given
        Timeline timeline = new Timeline(new PrintStream(out, true, StandardCharsets.UTF_8));

        // When
        String line = timeline.line(new RecoveryEvent.CycleCompleted(EPOCH,
                new org.distributedtesting.recovery.ClusterSnapshot(1, EPOCH, List.of(), Map.of()), List.of(),
                Duration.ZERO));

        // Then
        assertThat(line).isNull();
    }
}
