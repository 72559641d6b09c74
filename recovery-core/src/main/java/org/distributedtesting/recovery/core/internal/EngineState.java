package org.distributedtesting.recovery.core.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.distributedtesting.recovery.NodeControl;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.RecoveryOptions;

/**
 * The engine's memory between cycles: a ledger per node, the recoveries in progress, the actions counted against
 * the global budget, and the nodes suspect in the current cycle.
 *
 * <p>Not thread-safe; the engine's cycle lock guards all of it.
 */
public final class EngineState {

    final RecoveryOptions options;
    final Clock clock;
    final NodeControl control;
    final ProbeRunner probes;
    final EventSink sink;
    final Map<NodeId, NodeSpec> nodes = new LinkedHashMap<>();
    final Map<NodeId, NodeLedger> ledgers = new LinkedHashMap<>();
    final Map<String, ActiveRecovery> active = new LinkedHashMap<>();
    final Deque<Instant> actionTimes = new ArrayDeque<>();
    final Set<NodeId> suspect = new HashSet<>();
    Instant budgetAlertedAt;

    /**
     * @param nodes   the cluster's nodes
     * @param options the policy
     * @param clock   the engine's clock
     * @param control carries out actions
     * @param probes  probes nodes
     * @param sink    the journal and listeners
     */
    public EngineState(List<NodeSpec> nodes, RecoveryOptions options, Clock clock, NodeControl control,
                       ProbeRunner probes, EventSink sink) {
        this.options = Objects.requireNonNull(options, "options");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.control = Objects.requireNonNull(control, "control");
        this.probes = Objects.requireNonNull(probes, "probes");
        this.sink = Objects.requireNonNull(sink, "sink");
        for (NodeSpec node : nodes) {
            this.nodes.put(node.id(), node);
            ledgers.put(node.id(), new NodeLedger());
        }
    }

    NodeLedger ledger(NodeId node) {
        NodeLedger ledger = ledgers.get(node);
        if (ledger == null) {
            throw new IllegalArgumentException("node '" + node + "' is not in this cluster");
        }
        return ledger;
    }

    /** Actions counted against the global budget within its window, after dropping older ones. */
    int actionsInWindow(Instant now) {
        Instant from = now.minus(options.actionBudgetWindow());
        while (!actionTimes.isEmpty() && actionTimes.peekFirst().isBefore(from)) {
            actionTimes.pollFirst();
        }
        return actionTimes.size();
    }

    /** Voters disrupted by recoveries that have not been verified yet. */
    Set<NodeId> disruptedVoters() {
        Set<NodeId> disrupted = new HashSet<>();
        active.values().forEach(r -> disrupted.addAll(r.disrupted()));
        return disrupted;
    }

    /** The policy. */
    public RecoveryOptions options() {
        return options;
    }

    /** Whether the node is in the cluster. */
    public boolean knows(NodeId node) {
        return nodes.containsKey(node);
    }

    /**
     * Releases a quarantined node with a fresh attempt budget; journaled.
     *
     * @return whether it was quarantined
     * @throws IllegalArgumentException if the node is not in the cluster
     */
    public boolean release(NodeId node) {
        NodeLedger ledger = ledger(node);
        if (!ledger.quarantined()) {
            return false;
        }
        ledger.release();
        ledger.resetAttempts();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("node", node.value());
        details.put("reason", "released by the operator");
        sink.journal(new org.distributedtesting.recovery.JournalRecord(clock.instant(), "node_released", details));
        return true;
    }

    /** Whether a node is quarantined. */
    public boolean quarantined(NodeId node) {
        return ledger(node).quarantined();
    }
}
