package org.distributedtesting.recovery.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BenchmarkOptionsTest {

    @Test
    void defaultsToAThousandNodesOfFiveMillisecondsAndFiftyCycles() {
        // When
        BenchmarkOptions options = BenchmarkOptions.parse();

        // Then
        assertThat(options).isEqualTo(new BenchmarkOptions(1000, Duration.ofMillis(5), 5, 20, 50, 10_000, false,
                false));
        assertThat(options.sequentialBaseline()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void readsTheDocumentedCommandLine() {
        // When
        BenchmarkOptions options = BenchmarkOptions.parse("--nodes", "200", "--probe-ms", "2", "--cycles", "7",
                "--warmup", "0", "--crashed", "3", "--detector-nodes", "500", "--detector-only", "--blocking-probes");

        // Then
        assertThat(options).isEqualTo(new BenchmarkOptions(200, Duration.ofMillis(2), 3, 0, 7, 500, true, true));
    }

    @Test
    void scalesTheDefaultCrashedNodesWithTheCluster() {
        assertThat(BenchmarkOptions.parse("--nodes", "20").crashed()).isEqualTo(1);
        assertThat(BenchmarkOptions.parse("--nodes", "1").crashed()).isZero();
        assertThat(BenchmarkOptions.parse().detectorCrashed()).isEqualTo(50);
    }

    @Test
    void rejectsAnUnknownOption() {
        assertThatThrownBy(() -> BenchmarkOptions.parse("--node", "5"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown option '--node'");
    }

    @Test
    void rejectsAMissingOrMalformedValue() {
        assertThatThrownBy(() -> BenchmarkOptions.parse("--cycles"))
                .hasMessage("--cycles needs a value");
        assertThatThrownBy(() -> BenchmarkOptions.parse("--probe-ms", "5ms"))
                .hasMessage("--probe-ms must be a whole number, but was '5ms'");
    }

    @Test
    void rejectsValuesOutOfRange() {
        assertThatThrownBy(() -> BenchmarkOptions.parse("--nodes", "0"))
                .hasMessage("nodes must be > 0, but was 0");
        assertThatThrownBy(() -> BenchmarkOptions.parse("--nodes", "10", "--crashed", "10"))
                .hasMessage("crashed must be in 0..9, but was 10");
        assertThatThrownBy(() -> BenchmarkOptions.parse("--probe-ms", "-1"))
                .hasMessage("--probe-ms must be >= 0, but was -1");
    }
}
