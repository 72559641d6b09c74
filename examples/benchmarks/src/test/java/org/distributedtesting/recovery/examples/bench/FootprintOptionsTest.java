package org.distributedtesting.recovery.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FootprintOptionsTest {

    @Test
    void defaultsWatchThreeNodesWithTheJvmsHeap() {
        // When
        FootprintOptions options = FootprintOptions.parse();

        // Then
        assertThat(options).isEqualTo(new FootprintOptions(3, 2, 10, 30, Optional.empty(),
                Path.of("recovery-strategies", "target", "recovery.jar")));
    }

    @Test
    void readsEveryOption() {
        // When
        FootprintOptions options = FootprintOptions.parse("--nodes", "1000", "--peers", "4", "--warmup", "5", "--cycles", "20",
                "--xmx", "128m", "--jar", "/opt/recovery.jar");

        // Then
        assertThat(options).isEqualTo(new FootprintOptions(1000, 4, 5, 20, Optional.of("128m"),
                Path.of("/opt/recovery.jar")));
    }

    @Test
    void refusesAHeapSizeJavaWouldNotTake() {
        assertThatThrownBy(() -> FootprintOptions.parse("--xmx", "-Xmx128m"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("xmx must be a heap size such as 64m or 1g, but was '-Xmx128m'");
    }

    @Test
    void refusesMorePeersThanOtherNodes() {
        assertThatThrownBy(() -> FootprintOptions.parse("--nodes", "3", "--peers", "3"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("peers must be in 0..2, but was 3");
    }

    @Test
    void refusesZeroNodes() {
        assertThatThrownBy(() -> FootprintOptions.parse("--nodes", "0"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("nodes must be > 0, but was 0");
    }

    @Test
    void namesAnUnknownOptionAndAMissingValue() {
        assertThatThrownBy(() -> FootprintOptions.parse("--heap", "1g"))
                .hasMessage("unknown option '--heap'");
        assertThatThrownBy(() -> FootprintOptions.parse("--cycles"))
                .hasMessage("--cycles needs a value");
        assertThatThrownBy(() -> FootprintOptions.parse("--cycles", "many"))
                .hasMessage("--cycles must be a whole number, but was 'many'");
    }
}
