package org.distributedtesting.recovery.examples.custom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.distributedtesting.recovery.examples.custom.FakeCoordinators.DISK_LIMIT;
import static org.distributedtesting.recovery.examples.custom.FakeCoordinators.id;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.distributedtesting.recovery.ClusterHistory;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeObservation;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.ProcessStatus;
import org.distributedtesting.recovery.Resources;
import org.distributedtesting.recovery.Settings;
import org.junit.jupiter.api.Test;

class DiskAlarmStrategyTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    /** A snapshot of reachable nodes with these disk ratios; a null ratio is an unreachable node. */
    private static ClusterSnapshot snapshot(Double... ratios) {
        List<NodeSpec> specs = new ArrayList<>();
        Map<NodeId, NodeObservation> observations = new LinkedHashMap<>();
        for (int i = 0; i < ratios.length; i++) {
            NodeSpec spec = NodeSpec.of("node-" + (i + 1), "127.0.0.1", 7001 + i, Path.of("/srv/node-" + (i + 1)));
            specs.add(spec);
            if (ratios[i] == null) {
                observations.put(spec.id(), new NodeObservation.Unreachable(spec.id(), NOW, "connection refused",
                        ProcessStatus.unknown()));
                continue;
            }
            Resources disk = new Resources(0.1, 0, 0, Math.round(DISK_LIMIT * ratios[i]), DISK_LIMIT, 0, 0);
            NodeStatus status = NodeStatus.builder().resources(disk).build();
            observations.put(spec.id(), new NodeObservation.Reachable(spec.id(), NOW, Duration.ofMillis(1), status,
                    ProcessStatus.alive(100 + i)));
        }
        return new ClusterSnapshot(1, NOW, specs, observations);
    }

    @Test
    void reportsOnlyNodesFullerThanTheThreshold() {
        // Given: node-2 sits exactly at the threshold, node-4 does not answer
        DiskAlarmStrategy strategy = new DiskAlarmStrategy(0.9);
        ClusterSnapshot snapshot = snapshot(0.95, 0.9, 0.5, null);

        // When
        List<Failure> failures = strategy.detector().detect(snapshot, ClusterHistory.EMPTY);

        // Then
        assertThat(failures).singleElement().satisfies(f -> {
            assertThat(f.type()).isEqualTo(DiskAlarmStrategy.DISK_ALARM);
            assertThat(f.nodes()).containsExactly(id(1));
            assertThat(f.evidence()).containsEntry("threshold", 0.9).containsEntry("disk_limit", DISK_LIMIT);
            assertThat((Double) f.evidence().get("disk_ratio")).isCloseTo(0.95, within(1e-9));
            assertThat(f.summary()).isEqualTo("'node-1' disk is 95% full, above 90%");
        });
    }

    @Test
    void reportsEachFullNodeAsItsOwnFailure() {
        // Given
        DiskAlarmStrategy strategy = new DiskAlarmStrategy(0.8);

        // When
        List<Failure> failures = strategy.detector().detect(snapshot(0.85, 0.5, 0.99), ClusterHistory.EMPTY);

        // Then
        assertThat(failures).extracting(Failure::key).containsExactly("disk_alarm:node-1", "disk_alarm:node-3");
    }

    @Test
    void readsTheThresholdFromSettings() {
        // When
        DiskAlarmStrategy strategy = DiskAlarmStrategy.fromSettings(
                new Settings(Map.of(DiskAlarmStrategy.THRESHOLD_SETTING, 0.75)));

        // Then
        assertThat(strategy.threshold()).isEqualTo(0.75);
        assertThat(DiskAlarmStrategy.fromSettings(Settings.EMPTY).threshold())
                .isEqualTo(DiskAlarmStrategy.DEFAULT_THRESHOLD);
    }

    @Test
    void rejectsAThresholdOutsideZeroToOne() {
        assertThatThrownBy(() -> new DiskAlarmStrategy(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("threshold must be in (0, 1], but was 0.0");
        assertThatThrownBy(() -> DiskAlarmStrategy.fromSettings(
                new Settings(Map.of(DiskAlarmStrategy.THRESHOLD_SETTING, 1.5))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("strategies.disk_alarm.disk_ratio_threshold must be in (0, 1], but was 1.5");
    }
}
