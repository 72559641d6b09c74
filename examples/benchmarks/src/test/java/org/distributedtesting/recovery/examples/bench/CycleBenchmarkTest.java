package org.distributedtesting.recovery.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class CycleBenchmarkTest {

    /** 20 nodes of which 2 are down, 1 ms probes, 1 warm-up and 3 measured cycles, a 300-node detector snapshot. */
    private static BenchmarkOptions tiny(boolean detectorOnly) {
        return new BenchmarkOptions(20, Duration.ofMillis(1), 2, 1, 3, 300, detectorOnly, false);
    }

    @Test
    void measuresBlockingProbesToo() {
        // Given probes that park a thread each for their latency
        BenchmarkOptions blocking = new BenchmarkOptions(20, Duration.ofMillis(1), 2, 1, 3, 300, false, true);

        // When
        BenchmarkResult result = CycleBenchmark.run(blocking);

        // Then
        assertThat(result.cycles()).hasValueSatisfying(c -> assertThat(c.detected()).containsExactly(2, 2, 2));
        assertThat(result.table()).contains("probes      blocking");
    }

    @Test
    void measuresEveryCycleAndFindsTheCrashedNodesInEach() {
        // When
        BenchmarkResult result = CycleBenchmark.run(tiny(false));

        // Then
        assertThat(result.strategies()).contains("process_crash");
        assertThat(result.cycles()).hasValueSatisfying(c -> {
            assertThat(c.elapsed()).hasSize(3);
            assertThat(c.probe()).hasSize(3);
            assertThat(c.detect()).hasSize(3);
            assertThat(c.detected()).containsExactly(2, 2, 2);
        });
    }

    @Test
    void timesTheDetectorPassOverItsOwnSnapshot() {
        // When
        BenchmarkResult result = CycleBenchmark.run(tiny(false));

        // Then: one node in 200 of the 300 is down, and the detectors see a full history
        assertThat(result.detector().nodes()).isEqualTo(300);
        assertThat(result.detector().history()).isEqualTo(60);
        assertThat(result.detector().times()).hasSize(3);
        assertThat(result.detector().failures()).isEqualTo(1);
    }

    @Test
    void tableShowsEveryPhaseTheBaselineAndTheMachine() {
        // When
        String table = CycleBenchmark.run(tiny(false)).table();

        // Then
        assertThat(table)
                .contains("20 simulated nodes, 2 crashed, probe latency 1.000 ms")
                .contains("probes      asynchronous")
                .contains("1 warm-up + 3 measured cycles, 2 failures per cycle")
                .containsPattern("whole cycle \\(elapsed\\) +[0-9.]+ ms +[0-9.]+ ms +[0-9.]+ ms")
                .containsPattern("probe phase \\(probeTime\\) +[0-9.]+ ms +[0-9.]+ ms +[0-9.]+ ms")
                .containsPattern("detector pass \\(detectTime\\) +[0-9.]+ ms +[0-9.]+ ms +[0-9.]+ ms")
                .contains("sequential poller baseline: 20 nodes x 1.000 ms = 20.0 ms per round")
                .contains("300-node snapshot, 60 earlier snapshots, 3 passes, 1 failures each")
                .containsPattern("CPUs")
                .contains("process_crash");
    }

    @Test
    void detectorOnlyRunsNoEngineCycle() {
        // When
        BenchmarkResult result = CycleBenchmark.run(tiny(true));

        // Then
        assertThat(result.cycles()).isEmpty();
        assertThat(result.detector().times()).hasSize(3);
        assertThat(result.table()).doesNotContain("whole cycle").contains("detector pass alone");
    }
}
