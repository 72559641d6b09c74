package org.distributedtesting.recovery.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.Settings;
import org.junit.jupiter.api.Test;

class RecoveryConfigTest {

    private static final NodeSpec NODE = NodeSpec.of("n1", "h", 1, Path.of("/d"));

    @Test
    void emptyFailureTypesWatchEveryType() {
        // Given
        RecoveryConfig config = config(List.of(NODE), Set.of(), Map.of());

        // Then
        assertThat(FailureType.standard()).allMatch(config::watches);
    }

    @Test
    void listedFailureTypesWatchOnlyThose() {
        // Given
        RecoveryConfig config = config(List.of(NODE), Set.of(FailureType.PROCESS_CRASH), Map.of());

        // Then
        assertThat(config.watches(FailureType.PROCESS_CRASH)).isTrue();
        assertThat(config.watches(FailureType.SPLIT_BRAIN)).isFalse();
    }

    @Test
    void settingsForAnUnconfiguredStrategyAreEmpty() {
        // Given
        Settings crash = new Settings(Map.of("k", 1L));
        RecoveryConfig config = config(List.of(NODE), Set.of(), Map.of("process_crash", crash));

        // Then
        assertThat(config.settingsFor("process_crash")).isEqualTo(crash);
        assertThat(config.settingsFor("split_brain")).isSameAs(Settings.EMPTY);
    }

    @Test
    void copiesTheCollectionsItIsGiven() {
        // Given
        List<NodeSpec> nodes = new ArrayList<>(List.of(NODE));
        RecoveryConfig config = config(nodes, Set.of(), Map.of());

        // When
        nodes.add(NodeSpec.of("n2", "h", 2, Path.of("/d")));

        // Then
        assertThat(config.nodes()).containsExactly(NODE);
        assertThatThrownBy(() -> config.nodes().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void rejectsNoNodes() {
        assertThatThrownBy(() -> config(List.of(), Set.of(), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nodes must not be empty");
    }

    @Test
    void rejectsDuplicateNodeIds() {
        assertThatThrownBy(() -> config(List.of(NODE, NodeSpec.of("n1", "other", 2, Path.of("/e"))), Set.of(),
                Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'n1' appears twice");
    }

    private static RecoveryConfig config(List<NodeSpec> nodes, Set<FailureType> types, Map<String, Settings> s) {
        return new RecoveryConfig(Path.of("/c.json"), nodes, Path.of("/r"), RecoveryOptions.defaults(), types, s);
    }
}
