package org.distributedtesting.recovery.examples.ratis.harness;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One record of the daemon's journal ({@code recovery-journal.jsonl}: one JSON object a line,
 * {@code {"timestamp", "action", "details"}}), read back for the checks and the measurements.
 *
 * <p>Immutable and thread-safe.
 *
 * @param timestamp when the daemon recorded it
 * @param action    {@code failure_detected}, {@code recovery_verified}, {@code restart_node}, ...
 * @param details   the record's details
 */
public record JournalEntry(Instant timestamp, String action, Map<String, Object> details) {

    /** The journal's file name in the daemon's {@code recovery_dir}. */
    public static final String FILE_NAME = "recovery-journal.jsonl";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    /** @throws NullPointerException if an argument is null */
    public JournalEntry {
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(action, "action");
        details = Map.copyOf(details);
    }

    /**
     * Every complete record of the journal file, in order; a line still being written is left out, and a missing
     * file has no records.
     *
     * @throws IllegalStateException if a complete line is not a journal record; the message names the line
     */
    public static List<JournalEntry> read(Path journal) {
        List<JournalEntry> entries = new ArrayList<>();
        int number = 0;
        for (String line : DaemonProcess.completeLines(journal)) {
            number++;
            if (line.isBlank()) {
                continue;
            }
            try {
                Map<String, Object> record = JSON.readValue(line, MAP);
                Object details = record.get("details");
                @SuppressWarnings("unchecked")
                Map<String, Object> map = details instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
                entries.add(new JournalEntry(Instant.parse(String.valueOf(record.get("timestamp"))),
                        String.valueOf(record.get("action")), map));
            } catch (JsonProcessingException | RuntimeException e) {
                throw new IllegalStateException(journal + ":" + number + " is not a journal record: " + line, e);
            }
        }
        return entries;
    }

    /**
     * The record in one line for a failure message: time, action, failure, rung, outcome and the first 120 characters
     * of its detail or reason.
     */
    public String summary() {
        Object detail = details.containsKey("detail") ? details.get("detail") : details.getOrDefault("why", "");
        String text = String.valueOf(detail);
        return timestamp + " " + action + " " + details.getOrDefault("failure_id", "") + " "
                + details.getOrDefault("rung", "") + " " + details.getOrDefault("outcome", "") + " "
                + (text.length() > 120 ? text.substring(0, 120) + "..." : text);
    }

    /**
     * The failure type the record is about ({@code process_crash}, ...: {@code details.reason}), or "" when it names
     * none.
     */
    public String failure() {
        return String.valueOf(details.getOrDefault("reason", ""));
    }

    /** The nodes the record is about: {@code details.node_ids}, or {@code details.node_id}. */
    public List<String> nodes() {
        Object nodes = details.get("node_ids");
        if (nodes instanceof List<?> list) {
            return list.stream().map(String::valueOf).toList();
        }
        Object node = details.get("node_id");
        return node == null ? List.of() : List.of(String.valueOf(node));
    }

    /** Whether {@code journal} shows {@code action} carried out ({@code outcome: done}) on {@code node}. */
    public static boolean actionDone(List<JournalEntry> journal, String action, String node) {
        return journal.stream().anyMatch(e -> e.action().equals(action) && node.equals(e.details().get("node_id"))
                && "done".equals(String.valueOf(e.details().get("outcome"))));
    }

    /**
     * Whether {@code journal} has a record {@code action} about {@code failure} (a type name) on {@code node}, at
     * or after {@code since}.
     */
    public static boolean recorded(List<JournalEntry> journal, String action, String failure, String node,
                                   java.time.Instant since) {
        return journal.stream().anyMatch(e -> e.action().equals(action) && e.isAbout(failure, node)
                && !e.timestamp().isBefore(since));
    }

    /** Whether the record is about {@code failure} (a type name) on {@code node}. */
    public boolean isAbout(String failure, String node) {
        return failure().equals(failure) && nodes().contains(node);
    }

    @Override
    public String toString() {
        return timestamp + " " + action + " " + details;
    }
}
