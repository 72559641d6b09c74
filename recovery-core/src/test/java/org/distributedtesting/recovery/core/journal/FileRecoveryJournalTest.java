package org.distributedtesting.recovery.core.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.distributedtesting.recovery.JournalRecord;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.RecoveryException;
import org.distributedtesting.recovery.Severity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileRecoveryJournalTest {

    private static final Instant T0 = Instant.parse("2026-11-26T06:39:15.123Z");

    @TempDir
    Path dir;

    private record Endpoint(String host, int port) {
    }

    private Path journalFile() {
        return dir.resolve(FileRecoveryJournal.JOURNAL_FILE_NAME);
    }

    private static JournalRecord record(int seconds, String action, Map<String, Object> details) {
        return new JournalRecord(T0.plusSeconds(seconds), action, details);
    }

    @Test
    void roundTripsEveryDetailValueTypeAsItsJsonForm() {
        // Given details of every kind a strategy might journal, in a deliberate order
        Map<Object, Object> nested = new LinkedHashMap<>();
        nested.put(NodeId.of("node-2"), 10);
        nested.put(NodeId.of("node-1"), Map.of("lag", 3));
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("text", "leader lost: ünïcødé\nsecond line");
        details.put("int", 3);
        details.put("long", 5_000_000_000L);
        details.put("double", 0.25);
        details.put("float", 1.5f);
        details.put("decimal", new BigDecimal("12.5"));
        details.put("flag", true);
        details.put("nothing", null);
        details.put("instant", T0);
        details.put("duration", Duration.ofSeconds(90));
        details.put("node_id", NodeId.of("node-3"));
        details.put("severity", Severity.HIGH);
        details.put("path", Path.of("/var/lib/raft"));
        details.put("present", Optional.of(NodeId.of("node-1")));
        details.put("absent", Optional.empty());
        details.put("list", List.of(1, "two", NodeId.of("node-2")));
        details.put("map", nested);
        details.put("array", new int[] {1, 2});
        details.put("record", new Endpoint("10.0.0.1", 9000));

        // When it is appended and the file is read back
        try (FileRecoveryJournal journal = FileRecoveryJournal.open(dir)) {
            journal.append(record(0, "restart_node", details));
        }
        List<JournalRecord> read = FileRecoveryJournal.read(journalFile());

        // Then each value has its JSON form, and the keys keep their order
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("text", "leader lost: ünïcødé\nsecond line");
        expected.put("int", 3L);
        expected.put("long", 5_000_000_000L);
        expected.put("double", 0.25);
        expected.put("float", 1.5);
        expected.put("decimal", 12.5);
        expected.put("flag", true);
        expected.put("nothing", null);
        expected.put("instant", "2026-11-26T06:39:15.123Z");
        expected.put("duration", "PT1M30S");
        expected.put("node_id", "node-3");
        expected.put("severity", "HIGH");
        expected.put("path", "/var/lib/raft");
        expected.put("present", "node-1");
        expected.put("absent", null);
        expected.put("list", List.of(1L, "two", "node-2"));
        expected.put("map", Map.of("node-2", 10L, "node-1", Map.of("lag", 3L)));
        expected.put("array", List.of(1L, 2L));
        expected.put("record", "Endpoint[host=10.0.0.1, port=9000]");
        assertThat(read).hasSize(1);
        JournalRecord back = read.get(0);
        assertThat(back.timestamp()).isEqualTo(T0);
        assertThat(back.action()).isEqualTo("restart_node");
        assertThat(back.details()).isEqualTo(expected);
        assertThat(back.details().keySet()).containsExactlyElementsOf(expected.keySet());
        assertThat(back.details().get("map")).isInstanceOf(LinkedHashMap.class);
        Map<?, ?> map = (Map<?, ?>) back.details().get("map");
        assertThat(List.<Object>copyOf(map.keySet())).containsExactly("node-2", "node-1");
    }

    @Test
    void writesEachRecordAsOneLineInTheSeedShape() throws IOException {
        // Given a journal
        try (FileRecoveryJournal journal = FileRecoveryJournal.open(dir)) {
            // When two records are appended
            journal.append(record(0, "restart_node", Map.of("node_id", "node-1")));
            journal.append(record(1, "snapshot", Map.of()));
        }

        // Then the file holds exactly two compact lines
        assertThat(Files.readString(journalFile())).isEqualTo(
                "{\"timestamp\":\"2026-11-26T06:39:15.123Z\",\"action\":\"restart_node\","
                + "\"details\":{\"node_id\":\"node-1\"}}\n"
                + "{\"timestamp\":\"2026-11-26T06:39:16.123Z\",\"action\":\"snapshot\",\"details\":{}}\n");
    }

    @Test
    void recordIsInTheFileWhenAppendReturns() {
        // Given an open journal
        try (FileRecoveryJournal journal = FileRecoveryJournal.open(dir)) {
            // When a record is appended and the journal is still open
            journal.append(record(0, "restart_node", Map.of("node_id", "node-1")));

            // Then another reader of the file already sees it, equal to what the journal keeps
            assertThat(FileRecoveryJournal.read(journalFile())).isEqualTo(journal.records()).hasSize(1);
        }
    }

    @Test
    void recordsKeepTheFormTheFileReadsBackAs() {
        // Given a journal
        try (FileRecoveryJournal journal = FileRecoveryJournal.open(dir)) {
            // When a record with an int and a node id is appended
            journal.append(record(0, "restart_node", Map.of("attempt", 1, "node_id", NodeId.of("node-1"))));

            // Then records() holds what a reader of the file gets, not the original objects
            assertThat(journal.records().get(0).details()).isEqualTo(Map.of("attempt", 1L, "node_id", "node-1"));
        }
    }

    @Test
    void reopenedJournalAppendsAfterExistingRecords() {
        // Given a journal with two records, closed
        try (FileRecoveryJournal journal = FileRecoveryJournal.open(dir)) {
            journal.append(record(0, "restart_node", Map.of("node_id", "node-1")));
            journal.append(record(1, "verify", Map.of("ok", true)));
        }

        // When it is reopened and one more record appended
        List<JournalRecord> records;
        try (FileRecoveryJournal journal = FileRecoveryJournal.open(dir)) {
            assertThat(journal.records()).extracting(JournalRecord::action).containsExactly("restart_node", "verify");
            journal.append(record(2, "snapshot", Map.of()));
            records = journal.records();
        }

        // Then records() and the file hold the old records followed by the new one
        assertThat(records).extracting(JournalRecord::action).containsExactly("restart_node", "verify", "snapshot");
        assertThat(FileRecoveryJournal.read(journalFile())).isEqualTo(records);
    }

    @Test
    void saveRecoveryLogWritesAnArrayEqualToRecords() throws IOException {
        // Given a journal with records, and an older recovery log
        Files.writeString(dir.resolve(FileRecoveryJournal.RECOVERY_LOG_FILE_NAME), "[]");
        try (FileRecoveryJournal journal = FileRecoveryJournal.open(dir)) {
            journal.append(record(0, "restart_node", Map.of("node_id", NodeId.of("node-1"), "attempt", 2)));
            journal.append(record(1, "rebuild", Map.of("peers", List.of("node-2", "node-3"))));

            // When the recovery log is saved
            journal.saveRecoveryLog();

            // Then it replaced the old log with an array of the same records, and left no temporary file
            List<Map<String, Object>> saved = new ObjectMapper().readValue(
                    dir.resolve(FileRecoveryJournal.RECOVERY_LOG_FILE_NAME).toFile(), new TypeReference<>() { });
            assertThat(saved).hasSize(2);
            for (int i = 0; i < saved.size(); i++) {
                JournalRecord expected = journal.records().get(i);
                assertThat(saved.get(i)).containsOnlyKeys("timestamp", "action", "details");
                assertThat(Instant.parse((String) saved.get(i).get("timestamp"))).isEqualTo(expected.timestamp());
                assertThat(saved.get(i).get("action")).isEqualTo(expected.action());
                assertThat(normalizeInts(saved.get(i).get("details"))).isEqualTo(expected.details());
            }
            try (var files = Files.list(dir)) {
                assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(
                        FileRecoveryJournal.JOURNAL_FILE_NAME, FileRecoveryJournal.LOCK_FILE_NAME,
                        FileRecoveryJournal.RECOVERY_LOG_FILE_NAME);
            }
        }
    }

    @Test
    void saveRecoveryLogUsesTheSeedLayout() throws IOException {
        // Given a journal with a record with details and one without
        try (FileRecoveryJournal journal = FileRecoveryJournal.open(dir)) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("node_id", "node-1");
            details.put("attempt", 1);
            journal.append(record(0, "restart_node", details));
            journal.append(record(1, "snapshot", Map.of()));

            // When the recovery log is saved
            journal.saveRecoveryLog();
        }

        // Then it is the seed's two-space indented array
        assertThat(Files.readString(dir.resolve(FileRecoveryJournal.RECOVERY_LOG_FILE_NAME), StandardCharsets.UTF_8))
                .isEqualTo("""
                        [
                          {
                            "timestamp": "2026-11-26T06:39:15.123Z",
                            "action": "restart_node",
                            "details": {
                              "node_id": "node-1",
                              "attempt": 1
                            }
                          },
                          {
                            "timestamp": "2026-11-26T06:39:16.123Z",
                            "action": "snapshot",
                            "details": {}
                          }
                        ]
                        """);
    }

    @Test
    void saveRecoveryLogStillWorksAfterClose() throws IOException {
        // Given a journal with a record, closed
        FileRecoveryJournal journal = FileRecoveryJournal.open(dir);
        journal.append(record(0, "restart_node", Map.of("node_id", "node-1")));
        journal.close();

        // When the recovery log is saved
        journal.saveRecoveryLog();

        // Then it holds the record
        assertThat(Files.readString(dir.resolve(FileRecoveryJournal.RECOVERY_LOG_FILE_NAME)))
                .contains("\"action\": \"restart_node\"", "\"node_id\": \"node-1\"");
    }

    @Test
    void appendAfterCloseFails() {
        // Given a closed journal
        FileRecoveryJournal journal = FileRecoveryJournal.open(dir);
        journal.close();

        // When / Then appending fails and the file is unchanged
        assertThatThrownBy(() -> journal.append(record(0, "restart_node", Map.of())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("journal is closed");
        assertThat(FileRecoveryJournal.read(journalFile())).isEmpty();
    }

    @Test
    void detailKeysThatBecomeTheSameTextAreRejectedBeforeWriting() {
        // Given details whose nested map has the keys 1 and "1"
        Map<Object, Object> clashing = new LinkedHashMap<>();
        clashing.put(1, "a");
        clashing.put("1", "b");

        try (FileRecoveryJournal journal = FileRecoveryJournal.open(dir)) {
            // When / Then the append fails naming the key, and nothing is written
            assertThatThrownBy(() -> journal.append(record(0, "restart_node", Map.of("byKey", clashing))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'1' appears twice");
            assertThat(journal.records()).isEmpty();
        }
        assertThat(FileRecoveryJournal.read(journalFile())).isEmpty();
    }

    @Test
    void secondJournalOnTheSameDirectoryIsRefusedWhileTheFirstIsOpen() {
        // Given an open journal
        try (FileRecoveryJournal first = FileRecoveryJournal.open(dir)) {
            first.append(record(0, "restart_node", Map.of()));

            // When / Then a second open of the same directory fails and says why
            assertThatThrownBy(() -> FileRecoveryJournal.open(dir))
                    .isInstanceOf(RecoveryException.class)
                    .hasMessageContaining(journalFile().toString())
                    .hasMessageContaining("already open");
        }

        // and once the first is closed, the directory opens again
        try (FileRecoveryJournal again = FileRecoveryJournal.open(dir)) {
            assertThat(again.records()).hasSize(1);
        }
    }

    // the test's plain ObjectMapper reads small ints as Integer; the journal reads them as Long
    private static Object normalizeInts(Object value) {
        if (value instanceof Integer i) {
            return i.longValue();
        }
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(k, normalizeInts(v)));
            return copy;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(FileRecoveryJournalTest::normalizeInts).toList();
        }
        return value;
    }
}
