package org.distributedtesting.recovery.core.history;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.distributedtesting.recovery.JournalRecord;
import org.distributedtesting.recovery.core.journal.FileRecoveryJournal;
import org.distributedtesting.recovery.core.journal.JournalRecords;
import org.distributedtesting.recovery.core.journal.PreviousRecordShape;

/**
 * The columns of one {@code records} row, read from a journal record in the current spelling (a record of the
 * previous version is renamed first, so the database has one spelling), and the hash of the record's journal line as
 * written.
 *
 * <p>Immutable and thread-safe.
 */
record HistoryRow(String hash, Instant timestamp, String action, String failureId, String reason, String nodeId,
                  List<String> nodeIds, String severity, String rung, Long attempt, String outcome,
                  String resolution, String why, Long timeToRecoverMs, boolean dryRun, String details) {

    private static final ObjectMapper JSON = new ObjectMapper();

    static HistoryRow of(JournalRecord record) {
        String line = FileRecoveryJournal.line(record);
        JournalRecord current = PreviousRecordShape.toCurrent(record);
        JsonNode details;
        try {
            details = JSON.readTree(current == record ? line : FileRecoveryJournal.line(current)).get("details");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a journal line does not read back as JSON: " + line, e);
        }
        return new HistoryRow(sha256(line), record.timestamp(), record.action(), text(details, "failure_id"),
                text(details, JournalRecords.REASON), text(details, JournalRecords.NODE_ID),
                texts(details, JournalRecords.NODE_IDS), text(details, "severity"), text(details, "rung"),
                number(details, "attempt"), text(details, "outcome"), text(details, JournalRecords.RESOLUTION),
                text(details, JournalRecords.WHY), number(details, "time_to_recover_ms"),
                details.path("dry_run").asBoolean(false), details.toString());
    }

    /** The SHA-256 of a record's journal line, in hex: equal records have equal hashes wherever they were made. */
    static String hash(JournalRecord record) {
        return sha256(FileRecoveryJournal.line(record));
    }

    private static String text(JsonNode details, String key) {
        JsonNode value = details.get(key);
        return value == null || value.isNull() ? null : value.isTextual() ? value.textValue() : value.toString();
    }

    private static Long number(JsonNode details, String key) {
        JsonNode value = details.get(key);
        return value != null && value.isIntegralNumber() && value.canConvertToLong() ? value.longValue() : null;
    }

    private static List<String> texts(JsonNode details, String key) {
        JsonNode value = details.get(key);
        if (value == null || !value.isArray()) {
            return null;
        }
        List<String> texts = new ArrayList<>();
        value.forEach(v -> texts.add(v.isTextual() ? v.textValue() : v.toString()));
        return List.copyOf(texts);
    }

    private static String sha256(String line) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(line.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
