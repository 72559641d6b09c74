package org.distributedtesting.recovery.core.state;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.distributedtesting.recovery.JournalRecord;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.core.journal.JournalRecords;
import org.distributedtesting.recovery.core.journal.PreviousRecordShape;

/**
 * What the ledger needs from one journal record, read back from the fields that
 * {@link org.distributedtesting.recovery.core.journal.JournalRecords} writes: the records that open, touch or end a
 * failure, the rungs and the actions carried out, and the quarantine's steps. Every other record is of no use to the
 * ledger and reads as empty.
 *
 * <p>A daemon upgraded in place must keep the quarantines and attempts its journal holds, so a record in the previous
 * version's spelling ({@code node}, {@code nodes}, {@code failure}) is read as {@link PreviousRecordShape} renames it.
 *
 * <p>Immutable and thread-safe.
 */
sealed interface LedgerEntry {

    /** When the record was written, by the engine's clock. */
    Instant at();

    /** A record about a failure that is still going on (confirmed, deferred, pre-empted, escalated, a budget alert). */
    record Seen(Instant at, String failureId, List<NodeId> nodes, Optional<Instant> until) implements LedgerEntry {
    }

    /**
     * A rung ended: {@code outcome} is {@code acted}, {@code failed}, {@code deferred} or {@code skipped}.
     *
     * @param rung    the rung's name
     * @param attempt the attempt number the live engine gave it (its count on the failure's nodes, plus one)
     */
    record Rung(Instant at, String failureId, String type, List<NodeId> nodes, String rung, String outcome,
                int attempt, boolean dryRun) implements LedgerEntry {
    }

    /**
     * An action the rung named {@code rung} asked for; {@code carriedOut} when it reached the node control (done or
     * failed).
     */
    record Acted(Instant at, String failureId, String type, List<NodeId> nodes, String rung, int attempt,
                 boolean carriedOut)
            implements LedgerEntry {
    }

    /** A rung did not recover its failure, for {@code why} ({@code <rung>: <reason>}, as the ledger keeps it). */
    record RungFailed(Instant at, String failureId, String type, List<NodeId> nodes, String why)
            implements LedgerEntry {
    }

    /** The failure is over: verified, or cleared. */
    record Ended(Instant at, String failureId, List<NodeId> nodes) implements LedgerEntry {
    }

    /** The global action budget was alerted as spent. */
    record BudgetAlerted(Instant at, String failureId, List<NodeId> nodes) implements LedgerEntry {
    }

    /** The node was quarantined. */
    record Quarantined(Instant at, NodeId node) implements LedgerEntry {
    }

    /** The node's quarantine half-opened: one more attempt. */
    record HalfOpen(Instant at, NodeId node) implements LedgerEntry {
    }

    /** The node was released from quarantine (healthy again, or by an operator). */
    record Released(Instant at, NodeId node) implements LedgerEntry {
    }

    /** The outcomes of an action record whose action reached the node control. */
    Set<String> CARRIED_OUT = Set.of("done", "failed");
    /** The outcomes of an action record. */
    Set<String> ACTION_OUTCOMES = Set.of("done", "failed", "refused", "planned");
    /** The outcomes of a rung record. */
    Set<String> RUNG_OUTCOMES = Set.of("acted", "failed", "deferred", "skipped");

    /**
     * The entry of a journal record, or empty for a record the ledger has no use for.
     *
     * @throws IllegalArgumentException if the record is one the ledger uses but a field it needs is missing or not
     *                                  what {@code JournalRecords} writes (a journal from an older version, or an
     *                                  edited one); the message names the field
     */
    static Optional<LedgerEntry> read(JournalRecord record) {
        Map<String, Object> d = PreviousRecordShape.toCurrent(record).details();
        Instant at = record.timestamp();
        return switch (record.action()) {
            case "failure_detected", "recovery_preempted", "recovery_escalated" ->
                    Optional.of(new Seen(at, text(d, "failure_id"), nodes(d), Optional.empty()));
            case "recovery_deferred" -> Optional.of(new Seen(at, text(d, "failure_id"), nodes(d),
                    d.get("until") == null ? Optional.empty() : Optional.of(instant(d, "until"))));
            case "recovery_rung_failed" -> Optional.of(new RungFailed(at, text(d, "failure_id"), type(d),
                    nodes(d), text(d, "rung") + ": " + why(d)));
            case "recovery_verified", "failure_cleared" ->
                    Optional.of(new Ended(at, text(d, "failure_id"), nodes(d)));
            case "action_budget_exhausted" -> Optional.of(new BudgetAlerted(at, text(d, "failure_id"), nodes(d)));
            case "node_quarantined" -> Optional.of(new Quarantined(at, node(d)));
            case "node_half_open" -> Optional.of(new HalfOpen(at, node(d)));
            case "node_released" -> Optional.of(new Released(at, node(d)));
            default -> rungOrAction(at, d);
        };
    }

    /**
     * A rung's record is named by its strategy ({@code recovery_attempted}, {@code recover_split_brain}, ...) and an
     * action's by the action ({@code restart_node}, ...), so both are told by their fields: both name the rung, the
     * attempt and the outcome; only an action's names one {@code node_id}.
     */
    private static Optional<LedgerEntry> rungOrAction(Instant at, Map<String, Object> d) {
        if (!(d.get("rung") instanceof String rung) || !(d.get("outcome") instanceof String outcome)
                || !d.containsKey("attempt")) {
            return Optional.empty();
        }
        boolean namesNode = d.containsKey(JournalRecords.NODE_ID);
        if (namesNode && ACTION_OUTCOMES.contains(outcome)) {
            return Optional.of(new Acted(at, text(d, "failure_id"), type(d), nodes(d), rung,
                    number(d, "attempt"), CARRIED_OUT.contains(outcome)));
        }
        if (!namesNode && RUNG_OUTCOMES.contains(outcome)) {
            return Optional.of(new Rung(at, text(d, "failure_id"), type(d), nodes(d), rung, outcome,
                    number(d, "attempt"), Boolean.TRUE.equals(d.get("dry_run"))));
        }
        return Optional.empty();
    }

    private static String text(Map<String, Object> details, String key) {
        if (details.get(key) instanceof String value) {
            return value;
        }
        throw missing(details, key, "a string");
    }

    private static int number(Map<String, Object> details, String key) {
        if (details.get(key) instanceof Number value && value.longValue() >= 0
                && value.longValue() <= Integer.MAX_VALUE) {
            return value.intValue();
        }
        throw missing(details, key, "a count");
    }

    private static Instant instant(Map<String, Object> details, String key) {
        try {
            return Instant.parse(text(details, key));
        } catch (DateTimeParseException e) {
            throw missing(details, key, "an ISO-8601 instant");
        }
    }

    private static String type(Map<String, Object> details) {
        return text(details, JournalRecords.REASON);
    }

    private static String why(Map<String, Object> details) {
        return text(details, JournalRecords.WHY);
    }

    private static NodeId node(Map<String, Object> details) {
        return nodeId(text(details, JournalRecords.NODE_ID), JournalRecords.NODE_ID);
    }

    private static List<NodeId> nodes(Map<String, Object> details) {
        String key = JournalRecords.NODE_IDS;
        if (!(details.get(key) instanceof List<?> list) || list.isEmpty()) {
            throw missing(details, key, "a list of node ids");
        }
        return list.stream().map(n -> {
            if (n instanceof String id) {
                return nodeId(id, key);
            }
            throw missing(details, key, "a list of node ids");
        }).toList();
    }

    private static NodeId nodeId(String id, String key) {
        try {
            return NodeId.of(id);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + key + "' must hold node ids, but held '" + id + "'", e);
        }
    }

    private static IllegalArgumentException missing(Map<String, Object> details, String key, String what) {
        Object value = details.get(key);
        return new IllegalArgumentException(value == null ? "no '" + key + "'"
                : "'" + key + "' must be " + what + ", but was " + value);
    }
}
