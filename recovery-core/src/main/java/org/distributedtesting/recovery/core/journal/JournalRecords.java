package org.distributedtesting.recovery.core.journal;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.JournalRecord;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.RecoveryEvent;

/**
 * The journal record of each {@link RecoveryEvent}: the one place where the engine's events become the design's
 * {@code {"timestamp", "action", "details"}} records. The engine journals exactly these records, so a listener that
 * maps the events it receives gets the journal's records too.
 *
 * <p>The details use one spelling for each fact, on every record:
 * <ul>
 *   <li>{@value #NODE_ID}: the one node a record is about (the node an action acts on, the node quarantined or
 *       released); {@value #NODE_IDS}: the nodes of the failure a record is about;</li>
 *   <li>{@value #REASON}: the failure type ({@code process_crash}, ...) on every record about a failure;
 *       {@value #WHY}: why, in a sentence (why the strategy asked for an action, why a rung failed, why a guard
 *       holds a recovery, why a node was quarantined, ...);</li>
 *   <li>{@value #RESOLUTION}: on the record that ends a recovery, the rung that recovered it: on
 *       {@code recovery_verified} the rung that was verified, on {@code failure_cleared} the rung that acted last
 *       before the failure went away (also in {@code after_rung}); a failure that went away before any rung acted
 *       has none.</li>
 * </ul>
 * The previous version spelled some of these otherwise; {@link PreviousRecordShape} reads its records.
 *
 * <p>Stateless and thread-safe.
 */
public final class JournalRecords {

    /** The record action of a rung that a dry run only planned. */
    public static final String RECOVERY_PLANNED = "recovery_planned";

    /** The detail naming the one node a record is about. */
    public static final String NODE_ID = "node_id";
    /** The detail listing the nodes of the failure a record is about. */
    public static final String NODE_IDS = "node_ids";
    /** The detail holding the failure type ({@code process_crash}, ...) of a record about a failure. */
    public static final String REASON = "reason";
    /** The detail saying why, in a sentence. */
    public static final String WHY = "why";
    /** The detail naming the rung that recovered a failure, on the record that ends its recovery. */
    public static final String RESOLUTION = "resolution";
    /**
     * With a coordination (several engines on one cluster): the instance that wrote the record, on every record
     * and on {@code role_changed}.
     */
    public static final String INSTANCE = "instance";
    /** With a coordination: {@code active} or {@code standby}, the role the writer had when it wrote the record. */
    public static final String ROLE = "role";
    /** With a coordination: the fencing epoch the writer held (0 for a standby that never held one). */
    public static final String EPOCH = "epoch";

    private JournalRecords() {
    }

    /**
     * A value as the journal writes it in a record's details: maps, lists, strings, numbers and booleans, with ids,
     * times and durations as the journal spells them.
     */
    public static Object jsonValue(Object value) {
        return JournalCodec.toJsonValue(value);
    }

    /** The record as the journal writes it: one compact JSON object, in the seed's shape, without a newline. */
    public static byte[] json(JournalRecord record) {
        byte[] line = JournalCodec.encode(record).line();
        return java.util.Arrays.copyOf(line, line.length - 1);
    }

    /**
     * Reads back one record written by {@link #json(JournalRecord)} (a journal line without its newline).
     *
     * @throws IllegalArgumentException if {@code json} is not such a record; the message says what is wrong
     */
    public static JournalRecord parse(byte[] json) {
        try {
            return JournalCodec.decode(json);
        } catch (JournalCodec.MalformedLineException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /**
     * The journal record of {@code event}, or empty for an event that is no decision ({@link
     * RecoveryEvent.CycleCompleted}).
     */
    public static Optional<JournalRecord> of(RecoveryEvent event) {
        return switch (event.kind()) {
            case FAILURE_CONFIRMED -> Optional.of(confirmed((RecoveryEvent.FailureConfirmed) event));
            case RUNG_ATTEMPTED -> Optional.of(rung((RecoveryEvent.RungAttempted) event));
            case ACTION_TAKEN -> Optional.of(action((RecoveryEvent.ActionTaken) event));
            case RECOVERY_VERIFIED -> Optional.of(verified((RecoveryEvent.RecoveryVerified) event));
            case RUNG_FAILED -> Optional.of(rungFailed((RecoveryEvent.RungFailed) event));
            case RECOVERY_DEFERRED -> Optional.of(deferred((RecoveryEvent.RecoveryDeferred) event));
            case RECOVERY_PREEMPTED -> Optional.of(preempted((RecoveryEvent.RecoveryPreempted) event));
            case FAILURE_CLEARED -> Optional.of(cleared((RecoveryEvent.FailureCleared) event));
            case ESCALATED -> Optional.of(escalated((RecoveryEvent.Escalated) event));
            case NODE_QUARANTINED -> Optional.of(quarantined((RecoveryEvent.NodeQuarantined) event));
            case NODE_HALF_OPEN -> {
                RecoveryEvent.NodeHalfOpen e = (RecoveryEvent.NodeHalfOpen) event;
                yield Optional.of(node(e, "node_half_open", e.node(), e.reason()));
            }
            case NODE_RELEASED -> {
                RecoveryEvent.NodeReleased e = (RecoveryEvent.NodeReleased) event;
                yield Optional.of(node(e, "node_released", e.node(), e.reason()));
            }
            case NODE_STARTED -> Optional.of(started((RecoveryEvent.NodeStarted) event));
            case ACTION_BUDGET_EXHAUSTED -> Optional.of(budget((RecoveryEvent.ActionBudgetExhausted) event));
            case ROLE_CHANGED -> Optional.of(role((RecoveryEvent.RoleChanged) event));
            case CYCLE_COMPLETED -> Optional.empty();
        };
    }

    /**
     * The details that name a failure and its evidence, which every record about a failure carries: {@value #REASON}
     * (its type), {@code failure_id}, {@value #NODE_IDS}, {@code severity}, {@code summary} and {@code evidence}.
     */
    public static Map<String, Object> describe(Failure failure) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put(REASON, failure.type().name());
        details.put("failure_id", failure.key());
        details.put(NODE_IDS, failure.nodes().stream().map(NodeId::value).toList());
        details.put("severity", failure.severity().name().toLowerCase(Locale.ROOT));
        details.put("summary", failure.summary());
        details.put("evidence", failure.evidence());
        return details;
    }

    private static JournalRecord started(RecoveryEvent.NodeStarted e) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put(NODE_ID, e.node().value());
        details.put(WHY, e.reason());
        details.put("outcome", e.result().outcome().journalName());
        details.put("detail", e.result().detail());
        return new JournalRecord(e.at(), "node_started", details);
    }

    private static JournalRecord confirmed(RecoveryEvent.FailureConfirmed e) {
        Map<String, Object> details = describe(e.failure());
        details.put("confirmations", e.confirmations());
        details.put("first_seen", e.firstSeen().toString());
        return new JournalRecord(e.at(), "failure_detected", details);
    }

    private static JournalRecord rung(RecoveryEvent.RungAttempted e) {
        Map<String, Object> details = describe(e.failure());
        details.put("rung", e.rung());
        details.put("attempt", e.attempt());
        details.put("outcome", switch (e.result().kind()) {
            case ACTED -> "acted";
            case SKIPPED -> "skipped";
            case FAILED -> e.deferred() ? "deferred" : "failed";
        });
        details.put("detail", e.result().detail());
        if (e.dryRun()) {
            details.put("dry_run", true);
        }
        return new JournalRecord(e.at(), e.dryRun() ? RECOVERY_PLANNED : e.journalAction(), details);
    }

    private static JournalRecord action(RecoveryEvent.ActionTaken e) {
        ActionResult result = e.result();
        Map<String, Object> details = new LinkedHashMap<>();
        // the design's order: node_id, reason, then what the action did; describe() below keeps reason's place
        details.put(NODE_ID, e.action().node().value());
        details.put(REASON, e.failure().type().name());
        details.put(WHY, e.reason());
        if (result instanceof ActionResult.Done done) {
            details.putAll(done.data());
        }
        e.action().source().ifPresent(s -> details.put("source", s.value()));
        details.putAll(e.action().parameters());
        details.put("outcome", result.outcome().journalName());
        details.put("detail", result.detail());
        if (result instanceof ActionResult.Refused refused) {
            details.put("guard", refused.guard());
        }
        e.quorumEffect().ifPresent(q -> details.put("quorum_effect", q));
        e.backup().ifPresent(b -> details.put("backup", b));
        if (result.outcome() == ActionResult.Outcome.PLANNED) {
            details.put("rollback", e.action().rollback());
        }
        details.put("rung", e.rung());
        details.put("attempt", e.attempt());
        details.putAll(describe(e.failure()));
        if (e.dryRun()) {
            details.put("dry_run", true);
        }
        return new JournalRecord(e.at(), e.action().name(), details);
    }

    private static JournalRecord verified(RecoveryEvent.RecoveryVerified e) {
        Map<String, Object> details = describe(e.failure());
        details.put("rung", e.rung());
        details.put("outcome", "recovered");
        details.put(RESOLUTION, e.rung());
        details.put("time_to_recover_ms", e.sinceDetected().toMillis());
        return new JournalRecord(e.at(), "recovery_verified", details);
    }

    private static JournalRecord rungFailed(RecoveryEvent.RungFailed e) {
        Map<String, Object> details = describe(e.failure());
        details.put("rung", e.rung());
        details.put("outcome", "failed");
        details.put(WHY, e.reason());
        return new JournalRecord(e.at(), "recovery_rung_failed", details);
    }

    private static JournalRecord deferred(RecoveryEvent.RecoveryDeferred e) {
        Map<String, Object> details = describe(e.failure());
        details.put("guard", e.guard());
        details.put(WHY, e.reason());
        e.until().ifPresent(until -> details.put("until", until.toString()));
        return new JournalRecord(e.at(), "recovery_deferred", details);
    }

    private static JournalRecord preempted(RecoveryEvent.RecoveryPreempted e) {
        Map<String, Object> details = describe(e.failure());
        details.put("preempted_by", e.preemptedBy().key());
        details.put(WHY, e.reason());
        return new JournalRecord(e.at(), "recovery_preempted", details);
    }

    private static JournalRecord cleared(RecoveryEvent.FailureCleared e) {
        Map<String, Object> details = describe(e.failure());
        details.put("outcome", e.plannedOnly() ? "planned_only" : "cleared");
        e.reason().ifPresent(r -> details.put(WHY, r));
        e.afterRung().ifPresent(r -> details.put("after_rung", r));
        // went away after a rung acted: that rung is the resolution, though no re-probe verified it (outcome says so)
        if (!e.plannedOnly()) {
            e.afterRung().ifPresent(r -> details.put(RESOLUTION, r));
        }
        return new JournalRecord(e.at(), "failure_cleared", details);
    }

    private static JournalRecord escalated(RecoveryEvent.Escalated e) {
        Map<String, Object> details = describe(e.failure());
        details.put(WHY, e.reason());
        details.put("outcome", "escalated");
        return new JournalRecord(e.at(), "recovery_escalated", details);
    }

    private static JournalRecord quarantined(RecoveryEvent.NodeQuarantined e) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put(NODE_ID, e.node().value());
        details.put(REASON, e.failure().type().name());
        details.put(WHY, e.reason());
        details.put("failure_id", e.failure().key());
        return new JournalRecord(e.at(), "node_quarantined", details);
    }

    /** A node's own step, about no one failure: it has no {@value #REASON}. */
    private static JournalRecord node(RecoveryEvent event, String action, NodeId node, String why) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put(NODE_ID, node.value());
        details.put(WHY, why);
        return new JournalRecord(event.at(), action, details);
    }

    private static JournalRecord budget(RecoveryEvent.ActionBudgetExhausted e) {
        Map<String, Object> details = describe(e.failure());
        details.put(WHY, e.reason());
        return new JournalRecord(e.at(), "action_budget_exhausted", details);
    }

    private static JournalRecord role(RecoveryEvent.RoleChanged e) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put(INSTANCE, e.instance());
        details.put(ROLE, e.role());
        details.put(EPOCH, e.epoch());
        details.put(WHY, e.reason());
        return new JournalRecord(e.at(), "role_changed", details);
    }
}
