package org.distributedtesting.recovery.core.sim.assertj;

import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import org.assertj.core.api.AbstractAssert;
import org.distributedtesting.recovery.ActionKind;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.JournalRecord;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.RecoveryEvent;
import org.distributedtesting.recovery.core.journal.JournalRecords;
import org.distributedtesting.recovery.core.sim.harness.SimulatedRecovery;

/**
 * Assertions about what a {@link SimulatedRecovery} did: its journal, its events and the nodes it quarantined.
 * {@link #cluster()} switches to the cluster's assertions. Obtain one with
 * {@link SimAssertions#assertThat(SimulatedRecovery)}.
 *
 * <p>Not thread-safe, as AssertJ assertions are not.
 */
@SuppressWarnings("exports") // AssertJ is an optional dependency; whoever uses this class has it
public final class SimulatedRecoveryAssert extends AbstractAssert<SimulatedRecoveryAssert, SimulatedRecovery> {

    SimulatedRecoveryAssert(SimulatedRecovery actual) {
        super(actual, SimulatedRecoveryAssert.class);
    }

    /** The journal has a record of {@code action} (for example {@code restart_node} or {@code failure_detected}). */
    public SimulatedRecoveryAssert journalContainsAction(String action) {
        isNotNull();
        Objects.requireNonNull(action, "action");
        if (actual.journal().records(action).isEmpty()) {
            failWithMessage("%s", "Expecting the journal to contain action '" + action + "', but it has "
                    + journalSummary());
        }
        return this;
    }

    /**
     * The journal has a record of {@code action} on {@code node}: its {@code node_id} detail is that node, or its
     * {@code node_ids} detail (a failure's nodes) contains it.
     */
    public SimulatedRecoveryAssert journalContainsActionOnNode(String action, NodeId node) {
        isNotNull();
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(node, "node");
        if (actual.journal().records(action).stream().noneMatch(r -> names(r, node))) {
            failWithMessage("%s", "Expecting the journal to contain action '" + action + "' on " + node
                    + ", but it has " + journalSummary());
        }
        return this;
    }

    /**
     * The journal has a record of the action {@code kind} (its {@link ActionKind#journalName()}, for example
     * {@code restart_node} for {@link ActionKind#RESTART}): a typed spelling of {@link #journalContainsAction(String)}.
     *
     * @throws NullPointerException if {@code kind} is null
     */
    public SimulatedRecoveryAssert journalContainsAction(ActionKind kind) {
        return journalContainsAction(Objects.requireNonNull(kind, "kind").journalName());
    }

    /**
     * The journal has a record of the action {@code kind} on {@code node}: a typed spelling of
     * {@link #journalContainsActionOnNode(String, NodeId)}, for example
     * {@code journalContainsActionOnNode(ActionKind.RESTART, node)}.
     *
     * @throws NullPointerException if an argument is null
     */
    public SimulatedRecoveryAssert journalContainsActionOnNode(ActionKind kind, NodeId node) {
        return journalContainsActionOnNode(Objects.requireNonNull(kind, "kind").journalName(), node);
    }

    private static boolean names(JournalRecord record, NodeId node) {
        Object one = record.details().get(JournalRecords.NODE_ID);
        Object many = record.details().get(JournalRecords.NODE_IDS);
        return node.value().equals(one) || many instanceof List<?> list && list.contains(node.value());
    }

    private String journalSummary() {
        List<JournalRecord> records = actual.journal().records();
        if (records.isEmpty()) {
            return "no records";
        }
        return records.size() + " records: " + records.stream().map(SimulatedRecoveryAssert::brief).toList();
    }

    private static String brief(JournalRecord r) {
        Object node = r.details().get(JournalRecords.NODE_ID);
        Object nodes = r.details().get(JournalRecords.NODE_IDS);
        return r.action() + (node != null ? " on " + node : nodes != null ? " on " + nodes : "");
    }

    /** The engine verified a recovery from a failure of {@code type}. */
    public SimulatedRecoveryAssert recovered(FailureType type) {
        return recovered(type, f -> true, "");
    }

    /** The engine verified a recovery from a failure of {@code type} that affected {@code node}. */
    public SimulatedRecoveryAssert recovered(FailureType type, NodeId node) {
        Objects.requireNonNull(node, "node");
        return recovered(type, f -> f.affects(node), " on " + node);
    }

    private SimulatedRecoveryAssert recovered(FailureType type, Predicate<Failure> where, String on) {
        isNotNull();
        Objects.requireNonNull(type, "type");
        boolean found = actual.events(RecoveryEvent.RecoveryVerified.class).stream()
                .anyMatch(e -> e.failure().type().equals(type) && where.test(e.failure()));
        if (!found) {
            failWithMessage("%s", "Expecting a verified recovery from " + type + on + ", but there was none; "
                    + outcomes());
        }
        return this;
    }

    /** The engine escalated at least once (gave up on a failure, or found its action budget spent). */
    public SimulatedRecoveryAssert escalated() {
        isNotNull();
        if (actual.events(RecoveryEvent.Escalated.class).isEmpty()
                && actual.events(RecoveryEvent.ActionBudgetExhausted.class).isEmpty()) {
            failWithMessage("%s", "Expecting an escalation, but there was none; " + outcomes());
        }
        return this;
    }

    /** The engine gave up on a failure of {@code type} and quarantined its nodes. */
    public SimulatedRecoveryAssert escalated(FailureType type) {
        return escalated(type, e -> true, "");
    }

    /** The engine gave up on a failure of {@code type} and quarantined {@code node}. */
    public SimulatedRecoveryAssert escalated(FailureType type, NodeId node) {
        Objects.requireNonNull(node, "node");
        return escalated(type, e -> e.nodes().contains(node), ", quarantining " + node);
    }

    private SimulatedRecoveryAssert escalated(FailureType type, Predicate<RecoveryEvent.Escalated> where,
                                              String detail) {
        isNotNull();
        Objects.requireNonNull(type, "type");
        boolean found = actual.events(RecoveryEvent.Escalated.class).stream()
                .anyMatch(e -> e.failure().type().equals(type) && where.test(e));
        if (!found) {
            failWithMessage("%s", "Expecting an escalation of " + type + detail + ", but there was none; "
                    + outcomes());
        }
        return this;
    }

    /** The engine holds {@code node} in quarantine now. */
    public SimulatedRecoveryAssert quarantined(NodeId node) {
        isNotNull();
        Objects.requireNonNull(node, "node");
        if (!actual.quarantined().contains(node)) {
            failWithMessage("%s", "Expecting " + node + " to be quarantined, but the quarantined nodes are "
                    + actual.quarantined() + "; " + outcomes());
        }
        return this;
    }

    /** The engine ran no rung and took no action. */
    public SimulatedRecoveryAssert didNotAct() {
        isNotNull();
        List<String> acts = actual.events().stream()
                .filter(e -> e instanceof RecoveryEvent.RungAttempted || e instanceof RecoveryEvent.ActionTaken)
                .map(SimulatedRecoveryAssert::act).toList();
        if (!acts.isEmpty()) {
            failWithMessage("%s", "Expecting the engine not to act, but it did " + acts.size() + " times: " + acts);
        }
        return this;
    }

    private static String act(RecoveryEvent event) {
        if (event instanceof RecoveryEvent.ActionTaken e) {
            return e.action().name() + " on " + e.action().node() + " (" + e.result().detail() + ")";
        }
        RecoveryEvent.RungAttempted e = (RecoveryEvent.RungAttempted) event;
        return "rung '" + e.rung() + "' for " + e.failure().key() + " (" + e.result().detail() + ")";
    }

    private String outcomes() {
        return "confirmed: " + keys(RecoveryEvent.FailureConfirmed.class)
                + ", verified: " + keys(RecoveryEvent.RecoveryVerified.class)
                + ", escalated: " + actual.events(RecoveryEvent.Escalated.class).stream()
                        .map(e -> e.failure().key() + " (" + e.reason() + ")").toList()
                + ", cleared: " + keys(RecoveryEvent.FailureCleared.class);
    }

    private List<String> keys(Class<? extends RecoveryEvent> type) {
        return actual.events(type).stream().map(SimulatedRecoveryAssert::failureOf).map(Failure::key).toList();
    }

    private static Failure failureOf(RecoveryEvent event) {
        if (event instanceof RecoveryEvent.FailureConfirmed e) {
            return e.failure();
        }
        if (event instanceof RecoveryEvent.RecoveryVerified e) {
            return e.failure();
        }
        if (event instanceof RecoveryEvent.FailureCleared e) {
            return e.failure();
        }
        throw new IllegalArgumentException("no single failure in " + event.getClass().getSimpleName());
    }

    /** The assertions about the recovery's cluster. */
    public SimulatedClusterAssert cluster() {
        isNotNull();
        return new SimulatedClusterAssert(actual.cluster());
    }
}
