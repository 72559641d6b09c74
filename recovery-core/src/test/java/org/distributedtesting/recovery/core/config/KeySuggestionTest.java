package org.distributedtesting.recovery.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class KeySuggestionTest {

    private static final List<String> KNOWN = List.of("nodes", "recovery_dir", "recovery_options");

    @Test
    void countsInsertionsDeletionsAndSubstitutions() {
        assertThat(KeySuggestion.distance("kitten", "sitting")).isEqualTo(3);
        assertThat(KeySuggestion.distance("", "abc")).isEqualTo(3);
        assertThat(KeySuggestion.distance("same", "same")).isZero();
    }

    @Test
    void suggestsTheClosestKeyWithinTwoEdits() {
        assertThat(KeySuggestion.closest("Recovery_Dirs", KNOWN)).contains("recovery_dir");
        assertThat(KeySuggestion.closest("node", KNOWN)).contains("nodes");
    }

    @Test
    void suggestsNothingForAFarAwayKey() {
        assertThat(KeySuggestion.closest("recovery", KNOWN)).isEmpty();
    }
}
