package org.distributedtesting.recovery.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ScenarioBenchmarkTest {

    @Test
    void runsEverySeedOnceAndEveryCrashIsRecovered() {
        // When: 3 measured scenarios after 1 warm-up, 3 nodes, one thread
        ScenarioBenchmarkResult result = ScenarioBenchmark.run(new ScenarioOptions(3, 1, 3, 1));

        // Then
        assertThat(result.wall()).hasSize(3).allMatch(d -> d.compareTo(Duration.ZERO) > 0);
        assertThat(result.virtual()).hasSize(3).allMatch(d -> d.compareTo(Duration.ofSeconds(5)) > 0);
        assertThat(result.failed()).isEmpty();
        assertThat(result.passed()).isEqualTo(3);
        assertThat(result.strategies()).contains("process_crash");
        assertThat(result.total()).isPositive();
    }

    @Test
    void tableShowsTheTimesThroughputAndPassedCount() {
        // When
        String table = ScenarioBenchmark.run(new ScenarioOptions(4, 0, 5, 2)).table();

        // Then
        assertThat(table)
                .startsWith("Coordinator Recovery: scenario benchmark")
                .containsPattern("machine +Java .*, \\d+ CPUs")
                .contains("5 simulated nodes: elect, write, inject process_crash, detect, recover, verify")
                .contains("0 warm-up + 4 measured scenarios (seeds 1..4) on 2 threads")
                .containsPattern("wall time per scenario +mean +median +p90 +max")
                .containsPattern("\n +[0-9.]+ ms +[0-9.]+ ms +[0-9.]+ ms +[0-9.]+ ms\n")
                .containsPattern("throughput +[0-9.]+ scenarios/s")
                .containsPattern("total +[0-9.]+ s for 4 scenarios")
                .containsPattern("virtual time simulated +[0-9.]+ s per scenario, \\d+x faster than real time")
                .contains("passed                     4 of 4\n");
    }

    @Test
    void tableListsFailedSeedsToReplay() {
        // Given
        ScenarioOptions options = new ScenarioOptions(2, 0, 5, 1);
        ScenarioBenchmarkResult result = new ScenarioBenchmarkResult(options, "17", 2, java.util.List.of("x"),
                java.util.List.of(Duration.ofMillis(3), Duration.ofMillis(5)),
                java.util.List.of(Duration.ofSeconds(20), Duration.ofSeconds(600)), Duration.ofMillis(9),
                java.util.List.of(2L));

        // Then
        assertThat(result.mean()).isEqualTo(Duration.ofMillis(4));
        assertThat(result.table()).contains("passed                     1 of 2; failed seeds: 2 (replay one with:"
                + " java -jar recovery-strategies/target/recovery.jar --simulate --nodes 5 --seed S)");
    }

    @Test
    void readsTheDocumentedCommandLine() {
        assertThat(ScenarioOptions.parse()).isEqualTo(new ScenarioOptions(1000, 200, 5, 1));
        assertThat(ScenarioOptions.parse("--scenarios", "50", "--warmup", "0", "--nodes", "3", "--threads", "2"))
                .isEqualTo(new ScenarioOptions(50, 0, 3, 2));
        assertThatThrownBy(() -> ScenarioOptions.parse("--nodes", "16"))
                .hasMessage("nodes must be in 1..15, but was 16");
        assertThatThrownBy(() -> ScenarioOptions.parse("--scenario", "5")).hasMessage("unknown option '--scenario'");
    }
}
