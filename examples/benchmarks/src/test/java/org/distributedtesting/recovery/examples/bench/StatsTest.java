package org.distributedtesting.recovery.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StatsTest {

    @Test
    void takesNearestRankPercentilesWhateverTheOrder() {
        // Given 1..10 ms, shuffled
        List<Duration> samples = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            samples.add(Duration.ofMillis(i));
        }
        Collections.shuffle(samples, new Random(42));

        // When
        Stats stats = Stats.of(samples);

        // Then
        assertThat(stats).isEqualTo(new Stats(Duration.ofMillis(5), Duration.ofMillis(9), Duration.ofMillis(10)));
    }

    @Test
    void oneSampleIsEveryPercentile() {
        Duration one = Duration.ofNanos(1234);
        assertThat(Stats.of(List.of(one))).isEqualTo(new Stats(one, one, one));
    }

    @Test
    void refusesNoSamples() {
        assertThatThrownBy(() -> Stats.of(List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("samples must not be empty");
    }

    @Test
    void formatsMillisecondsForTheTable() {
        assertThat(BenchmarkResult.ms(Duration.ofNanos(123_456))).isEqualTo("0.123 ms");
        assertThat(BenchmarkResult.ms(Duration.ofMillis(5000))).isEqualTo("5000.0 ms");
    }
}
