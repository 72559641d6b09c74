package org.distributedtesting.recovery.core.journal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.distributedtesting.recovery.JournalRecord;

/**
 * Reads records that the previous version (0.1.0 snapshots) wrote in its own spelling, so that a journal a daemon
 * upgraded in place finds keeps its meaning: {@code node} and {@code nodes} were {@link JournalRecords#NODE_ID} and
 * {@link JournalRecords#NODE_IDS}, {@code failure} held the failure type that is now {@link JournalRecords#REASON},
 * and {@code reason} held the sentence that is now {@link JournalRecords#WHY}. Only the readers that must survive an
 * upgrade use it (the ledger's rebuild, the history database); the file itself is never rewritten.
 *
 * <p>Stateless and thread-safe.
 */
public final class PreviousRecordShape {

    private static final String NODE = "node";
    private static final String NODES = "nodes";
    private static final String FAILURE = "failure";

    private PreviousRecordShape() {
    }

    /**
     * Whether {@code record} is in the previous spelling: it has {@code nodes} without {@code node_ids}, or
     * {@code node} without {@code node_id}.
     *
     * @throws NullPointerException if {@code record} is null
     */
    public static boolean isPrevious(JournalRecord record) {
        Map<String, Object> d = record.details();
        return d.containsKey(NODES) && !d.containsKey(JournalRecords.NODE_IDS)
                || d.containsKey(NODE) && !d.containsKey(JournalRecords.NODE_ID);
    }

    /**
     * {@code record} in the current spelling: itself when it is in it already, else the same record with its keys
     * renamed in place ({@code node} to {@code node_id}, {@code nodes} to {@code node_ids}, {@code failure} to
     * {@code reason}, {@code reason} to {@code why}), every value and the order kept.
     *
     * @throws NullPointerException if {@code record} is null
     */
    public static JournalRecord toCurrent(JournalRecord record) {
        Objects.requireNonNull(record, "record");
        if (!isPrevious(record)) {
            return record;
        }
        Map<String, Object> renamed = new LinkedHashMap<>();
        record.details().forEach((key, value) -> renamed.put(switch (key) {
            case NODE -> JournalRecords.NODE_ID;
            case NODES -> JournalRecords.NODE_IDS;
            case FAILURE -> JournalRecords.REASON;
            case JournalRecords.REASON -> JournalRecords.WHY;
            default -> key;
        }, value));
        return new JournalRecord(record.timestamp(), record.action(), renamed);
    }
}
