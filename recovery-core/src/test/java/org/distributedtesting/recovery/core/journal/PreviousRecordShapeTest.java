package org.distributedtesting.recovery.core.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.distributedtesting.recovery.JournalRecord;
import org.junit.jupiter.api.Test;

/** A record of the previous version's spelling reads in the current one; a current record is left alone. */
class PreviousRecordShapeTest {

    private static final Instant T = Instant.parse("2026-11-26T07:12:01.988Z");

    @Test
    void renamesThePreviousKeysInPlaceKeepingValuesAndOrder() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("node", "node-2");
        details.put("reason", "process crashed");
        details.put("pid", 4318L);
        details.put("failure", "process_crash");
        details.put("nodes", List.of("node-2"));
        JournalRecord previous = new JournalRecord(T, "restart_node", details);

        JournalRecord current = PreviousRecordShape.toCurrent(previous);

        assertThat(PreviousRecordShape.isPrevious(previous)).isTrue();
        assertThat(current.details()).containsExactly(Map.entry("node_id", "node-2"),
                Map.entry("why", "process crashed"), Map.entry("pid", 4318L), Map.entry("reason", "process_crash"),
                Map.entry("node_ids", List.of("node-2")));
        assertThat(current.timestamp()).isEqualTo(T);
        assertThat(current.action()).isEqualTo("restart_node");
    }

    @Test
    void leavesARecordOfTheCurrentShapeAsItIs() {
        JournalRecord record = new JournalRecord(T, "node_quarantined",
                Map.of("node_id", "node-2", "reason", "process_crash", "why", "max_restart_attempts (3) reached"));

        assertThat(PreviousRecordShape.isPrevious(record)).isFalse();
        assertThat(PreviousRecordShape.toCurrent(record)).isSameAs(record);
    }
}
