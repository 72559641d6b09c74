package org.distributedtesting.recovery.strategies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.distributedtesting.recovery.strategies.PerfSnapshots.T0;
import static org.distributedtesting.recovery.strategies.PerfSnapshots.follower;
import static org.distributedtesting.recovery.strategies.PerfSnapshots.leader;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.IntToDoubleFunction;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.Resources;
import org.distributedtesting.recovery.RungResult;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.Severity;
import org.distributedtesting.recovery.core.sim.harness.RecordingContext;
import org.distributedtesting.recovery.strategies.PerfSnapshots.Timeline;
import org.junit.jupiter.api.Test;

class ResourceExhaustionStrategyTest {

    private static final long LIMIT = 1_000_000;
    private final ResourceExhaustionStrategy strategy = new ResourceExhaustionStrategy();

    private static Resources use(double cpu, double memory, double disk, double files) {
        return new Resources(cpu, Math.round(memory * LIMIT), LIMIT, Math.round(disk * LIMIT), LIMIT,
                Math.round(files * LIMIT), LIMIT);
    }

    /** Node 2 reports {@code resources.apply(k)} in snapshot k; nodes 1 and 3 idle along. */
    private static Timeline node2(int cycles, java.util.function.IntFunction<Resources> resources) {
        return new Timeline(3).cycles(cycles, k -> i -> switch (i) {
            case 1 -> leader(1, 100).resources(use(0.1, 0.2, 0.2, 0.02));
            case 2 -> follower(100).resources(resources.apply(k));
            default -> follower(100).resources(use(0.1, 0.2, 0.2, 0.02));
        });
    }

    private static Timeline disk(int cycles, IntToDoubleFunction ratio) {
        return node2(cycles, k -> use(0.1, 0.2, ratio.applyAsDouble(k), 0.02));
    }

    @Test
    void aResourceAboveItsThresholdForSustainCyclesIsExhausted() {
        // Given / When
        List<Failure> failures = disk(3, k -> 0.93).detect(strategy.detector());

        // Then
        assertThat(failures).singleElement().satisfies(f -> {
            assertThat(f.key()).isEqualTo("resource_exhaustion:node-2");
            assertThat(f.severity()).isEqualTo(Severity.HIGH);
            assertThat(f.evidence()).containsEntry("resource", "disk").containsEntry("ratio", 0.93)
                    .containsEntry("signals", List.of("above_threshold")).containsEntry("resources", List.of("disk"));
        });
    }

    @Test
    void twoCyclesAboveTheThresholdAreNotYetSustained() {
        assertThat(disk(3, k -> k == 0 ? 0.85 : 0.93).detect(strategy.detector())).isEmpty();
    }

    @Test
    void aResourceAboveItsThresholdForFewerThanSustainCyclesIsFormingNotReported() {
        // Given
        Timeline timeline = disk(3, k -> k == 0 ? 0.85 : 0.95);

        // When
        List<Failure> forming = strategy.detector().forming(timeline.now(), timeline.history());

        // Then
        assertThat(forming).singleElement().satisfies(f -> {
            assertThat(f.key()).isEqualTo("resource_exhaustion:node-2");
            assertThat(f.summary()).contains("disk at 95%", "not yet in 3 answers in a row");
        });
    }

    @Test
    void aResourceBelowItsThresholdIsNotForming() {
        Timeline timeline = disk(3, k -> 0.50);

        assertThat(strategy.detector().forming(timeline.now(), timeline.history())).isEmpty();
    }

    @Test
    void aRiseAboveTheFloorThatReachesTheLimitWithinTheHorizonIsATrend() {
        // Given: 0.50, 0.51, ... 0.59 over ten seconds: one percent a second, 41 s left
        List<Failure> failures = disk(10, k -> 0.50 + 0.01 * k).detect(strategy.detector());

        // Then
        assertThat(failures).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.MEDIUM);
            assertThat(f.evidence()).containsEntry("resource", "disk").containsEntry("signals", List.of("trend"))
                    .containsEntry("seconds_to_exhaustion", 41L);
            assertThat((Double) f.evidence().get("slope_per_second")).isCloseTo(0.01, within(1e-6));
            assertThat(f.summary()).contains("disk at 59%", "+1.00%/s", "full in ~41 s");
        });
    }

    @Test
    void aRiseThatWouldTakeLongerThanTheHorizonIsNotATrend() {
        // 0.1 percent a second from 60%: 400 s left, more than 300
        assertThat(disk(10, k -> 0.591 + 0.001 * k).detect(strategy.detector())).isEmpty();
    }

    @Test
    void aFastRiseBelowTheFloorIsTheNormalGrowthOfANode() {
        assertThat(disk(10, k -> 0.10 + 0.03 * k).detect(strategy.detector())).isEmpty();
    }

    @Test
    void memoryThatGrowsInEveryCycleAboveTheFloorIsALeakEvenWhenSlow() {
        // Given: 0.05 percent a second from 60%: 800 s to the limit, beyond the horizon, but growing every cycle
        List<Failure> failures = node2(10, k -> use(0.1, 0.6 + 0.0005 * k, 0.2, 0.02)).detect(strategy.detector());

        // Then
        assertThat(failures).singleElement().satisfies(f -> assertThat(f.evidence())
                .containsEntry("resource", "memory").containsEntry("signals", List.of("leak")));
    }

    @Test
    void aDiskThatGrowsSlowlyInEveryCycleIsNotALeak() {
        assertThat(disk(10, k -> 0.6 + 0.0005 * k).detect(strategy.detector())).isEmpty();
    }

    @Test
    void memoryThatDipsOnceInTheWindowIsNotALeak() {
        assertThat(node2(10, k -> use(0.1, k == 5 ? 0.6 : 0.6 + 0.0005 * k, 0.2, 0.02))
                .detect(strategy.detector())).isEmpty();
    }

    @Test
    void cpuCountsOnlyWhenSaturatedForSustainCycles() {
        assertThat(node2(10, k -> use(0.5 + 0.04 * k, 0.2, 0.2, 0.02)).detect(strategy.detector()))
                .as("a rising load is just work").isEmpty();
        assertThat(node2(3, k -> use(0.97, 0.2, 0.2, 0.02)).detect(strategy.detector())).singleElement()
                .satisfies(f -> assertThat(f.evidence()).containsEntry("resource", "cpu"));
    }

    @Test
    void aNodeThatDidNotAnswerInTheWindowHasNoTrend() {
        Timeline t = new Timeline(3).cycles(10, k -> i -> i != 2 ? follower(100)
                : k == 4 ? null : follower(100).resources(use(0.1, 0.2, 0.50 + 0.01 * k, 0.02)));

        assertThat(t.detect(strategy.detector())).isEmpty();
    }

    @Test
    void everyResourceThatFiresIsListedMostUrgentFirst() {
        List<Failure> failures = node2(10, k -> use(0.1, 0.95, 0.50 + 0.01 * k, 0.6 + 0.0005 * k))
                .detect(strategy.detector());

        assertThat(failures).singleElement().satisfies(f -> {
            assertThat(f.evidence()).containsEntry("resources", List.of("memory", "disk", "file_handles"));
            assertThat(f.evidence()).containsKeys("memory", "disk", "file_handles");
            assertThat(f.severity()).isEqualTo(Severity.HIGH);
        });
    }

    @Test
    void leastSquaresFindsTheSlopeThroughNoise() {
        List<Instant> times = List.of(T0, T0.plusSeconds(1), T0.plusSeconds(2), T0.plusSeconds(3));
        assertThat(ResourceExhaustionDetector.slope(times, List.of(0.10, 0.12, 0.14, 0.16)).orElseThrow())
                .isCloseTo(0.02, within(1e-12));
        assertThat(ResourceExhaustionDetector.slope(times, List.of(0.10, 0.13, 0.13, 0.16)).orElseThrow())
                .isCloseTo(0.018, within(1e-12));
        assertThat(ResourceExhaustionDetector.slope(List.of(T0, T0), List.of(0.1, 0.2))).isEmpty();
    }

    @Test
    void cleanupRunsOnlyForTheDiskAndTheMemoryLimitOnlyForMemory() {
        // Given
        Timeline diskFull = disk(3, k -> 0.95);
        Failure disk = diskFull.detect(strategy.detector()).get(0);
        Timeline memoryFull = node2(3, k -> use(0.1, 0.95, 0.2, 0.02));
        Failure memory = memoryFull.detect(strategy.detector()).get(0);
        RecordingContext forDisk = RecordingContext.of(disk, diskFull.now());
        RecordingContext forMemory = RecordingContext.of(memory, memoryFull.now());

        // When
        List<RungResult> diskRungs = List.of(strategy.attempt(0, disk, forDisk), strategy.attempt(1, disk, forDisk),
                strategy.attempt(2, disk, forDisk), strategy.attempt(3, disk, forDisk));
        List<RungResult> memoryRungs = List.of(strategy.attempt(0, memory, forMemory),
                strategy.attempt(1, memory, forMemory));

        // Then
        assertThat(diskRungs).extracting(r -> r.getClass().getSimpleName())
                .containsExactly("Acted", "Skipped", "Acted", "Acted");
        assertThat(forDisk.performedNames()).containsExactly("cleanup_resources", "reject_new_work",
                "restart_resource_exhausted_node");
        assertThat(memoryRungs).extracting(r -> r.getClass().getSimpleName()).containsExactly("Skipped", "Acted");
        assertThat(forMemory.performed()).singleElement().satisfies(a -> {
            assertThat(a).isInstanceOf(Action.Custom.class);
            assertThat(a.name()).isEqualTo("enforce_memory_limit");
            assertThat(a.parameters()).containsEntry("max_memory_ratio", 0.9);
        });
        assertThat(strategy.rungs()).containsExactly("cleanup", "enforce_memory_limit", "degrade", "restart");
        assertThat(strategy.rungAction(0)).isEqualTo("recover_resource_exhaustion");
    }

    @Test
    void isResolvedWhenTheNodeAnswersAndNoSignalFiresAnyMore() {
        Timeline t = disk(3, k -> 0.95);
        Failure full = t.detect(strategy.detector()).get(0);

        Timeline down = new Timeline(3).cycle(i -> i == 2 ? null : follower(100));
        assertThat(strategy.isResolved(full, down.now(), t.history())).as("restarting").isFalse();
        Timeline stillFull = disk(4, k -> 0.95);
        assertThat(strategy.isResolved(full, stillFull.now(), stillFull.history())).isFalse();
        Timeline cleaned = disk(4, k -> k < 3 ? 0.95 : 0.30);
        assertThat(strategy.isResolved(full, cleaned.now(), cleaned.history())).isTrue();
    }

    @Test
    void settingsAreReadAndValidatedWithTheirFullKey() {
        ResourceExhaustionStrategy tuned = new ResourceExhaustionStrategy(new Settings(Map.of("disk_threshold", 0.8,
                "horizon_seconds", 600)));
        assertThat(tuned.threshold("disk")).isEqualTo(0.8);
        assertThat(tuned.threshold("cpu")).isEqualTo(ResourceExhaustionStrategy.DEFAULT_CPU_THRESHOLD);
        assertThat(tuned.horizon()).isEqualTo(Duration.ofMinutes(10));
        assertThatThrownBy(() -> new ResourceExhaustionStrategy(new Settings(Map.of("disk_threshold", 1.5))))
                .hasMessage("strategies.resource_exhaustion.disk_threshold must be in (0, 1], but was 1.5");
        assertThatThrownBy(() -> new ResourceExhaustionStrategy(new Settings(Map.of("trend_floor", 1.0))))
                .hasMessage("strategies.resource_exhaustion.trend_floor must be in [0, 1), but was 1.0");
        assertThatThrownBy(() -> new ResourceExhaustionStrategy(new Settings(Map.of("trend_window_cycles", 2L))))
                .hasMessage("strategies.resource_exhaustion.trend_window_cycles must be >= 3 (a line through two "
                        + "points is no trend), but was 2");
        assertThatThrownBy(() -> tuned.threshold("gpu")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aNodeWithoutLimitsReportsNothing() {
        Timeline t = new Timeline(3).cycles(10, k -> i -> NodeStatus.builder());

        assertThat(t.detect(strategy.detector())).isEmpty();
    }
}
