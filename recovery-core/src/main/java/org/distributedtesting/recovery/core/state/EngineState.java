package org.distributedtesting.recovery.core.state;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeObservation;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.RecoveryOptions;

/**
 * The engine's memory of the cluster between cycles: the nodes and a ledger per node, the actions counted against
 * the global budget, the nodes a detector named in the current cycle, and the nodes this engine started that have
 * not answered yet. The recoveries in progress are kept by
 * {@link Recoveries}.
 *
 * <p>Not thread-safe; the engine's cycle lock guards all of it.
 */
public final class EngineState {

    private final RecoveryOptions options;
    private final Clock clock;
    private final Map<NodeId, NodeSpec> nodes = new LinkedHashMap<>();
    private final Map<NodeId, NodeLedger> ledgers = new LinkedHashMap<>();
    private final Deque<Instant> actionTimes = new ArrayDeque<>();
    private final Set<NodeId> suspect = new HashSet<>();
    private final Map<NodeId, Instant> starting = new HashMap<>();
    private Instant budgetAlertedAt;

    /**
     * @param nodes   the cluster's nodes
     * @param options the policy
     * @param clock   the engine's clock
     */
    public EngineState(List<NodeSpec> nodes, RecoveryOptions options, Clock clock) {
        this.options = Objects.requireNonNull(options, "options");
        this.clock = Objects.requireNonNull(clock, "clock");
        for (NodeSpec node : nodes) {
            this.nodes.put(node.id(), node);
            ledgers.put(node.id(), new NodeLedger());
        }
    }

    /**
     * Forgets every node's ledger and the action budget's window, before a rebuild from a shared ledger: an engine
     * that becomes the active one of several takes their memory, not its own. Nodes busy with a recovery stay so
     * (the caller ends its recoveries first).
     */
    public void forgetLedger() {
        ledgers.replaceAll((node, old) -> new NodeLedger());
        actionTimes.clear();
        budgetAlertedAt = null;
    }

    /** The policy. */
    public RecoveryOptions options() {
        return options;
    }

    /** The engine's clock. */
    public Clock clock() {
        return clock;
    }

    /** Whether the node is in the cluster. */
    public boolean knows(NodeId node) {
        return nodes.containsKey(node);
    }

    /**
     * The node's spec.
     *
     * @throws IllegalArgumentException if the node is not in the cluster
     */
    public NodeSpec spec(NodeId node) {
        NodeSpec spec = nodes.get(Objects.requireNonNull(node, "node"));
        if (spec == null) {
            throw new IllegalArgumentException("node '" + node + "' is not in this cluster");
        }
        return spec;
    }

    /**
     * What the planner remembers of the node.
     *
     * @throws IllegalArgumentException if the node is not in the cluster
     */
    public NodeLedger ledger(NodeId node) {
        NodeLedger ledger = ledgers.get(node);
        if (ledger == null) {
            throw new IllegalArgumentException("node '" + node + "' is not in this cluster");
        }
        return ledger;
    }

    /** Every node's ledger, in the nodes' order. */
    public Map<NodeId, NodeLedger> ledgers() {
        return ledgers;
    }

    /** Whether a node is quarantined. */
    public boolean quarantined(NodeId node) {
        return ledger(node).quarantined();
    }

    /** Starts a cycle: the nodes that this cycle's failures name are the suspect ones. */
    public void suspects(Collection<Failure> detected) {
        suspect.clear();
        detected.forEach(f -> suspect.addAll(f.nodes()));
    }

    /** Whether a failure of the current cycle names the node. */
    public boolean suspect(NodeId node) {
        return suspect.contains(node);
    }

    /**
     * This engine started the node's process at {@code at} (a start or restart that was carried out): until the node
     * answers a probe, its process ends, or {@code verify_timeout} passes, it is {@linkplain #starting starting}.
     */
    public void startedByEngine(NodeId node, Instant at) {
        starting.put(Objects.requireNonNull(node, "node"), Objects.requireNonNull(at, "at"));
    }

    /**
     * Ends the start of every node that answered in {@code observations}, whose process its supervisor saw end, or
     * that was started {@code verify_timeout} or longer before {@code now}.
     */
    public void updateStarting(Map<NodeId, NodeObservation> observations, Instant now) {
        starting.entrySet().removeIf(e -> {
            NodeObservation o = observations.get(e.getKey());
            return o == null || o.reachable() || o.process().isDead()
                    || !now.isBefore(e.getValue().plus(options.verifyTimeout()));
        });
    }

    /**
     * Whether this engine started the node's process and the node has not answered since: it is coming up, not
     * failing (see {@link #updateStarting}).
     */
    public boolean starting(NodeId node) {
        return starting.containsKey(node);
    }

    /** When this engine started a {@linkplain #starting starting} node, if it is one. */
    public Optional<Instant> startingSince(NodeId node) {
        return Optional.ofNullable(starting.get(node));
    }

    /** Counts an action carried out at {@code now} against the global budget. */
    public void countAction(Instant now) {
        actionTimes.addLast(now);
    }

    /** Actions counted against the global budget within its window, after dropping older ones. */
    public int actionsInWindow(Instant now) {
        Instant from = now.minus(options.actionBudgetWindow());
        while (!actionTimes.isEmpty() && actionTimes.peekFirst().isBefore(from)) {
            actionTimes.pollFirst();
        }
        return actionTimes.size();
    }

    /** How many more actions the global budget allows at {@code now}. */
    public int actionBudgetLeft(Instant now) {
        return Math.max(0, options.actionBudget() - actionsInWindow(now));
    }

    /** Whether the global action budget is spent at {@code now}. */
    public boolean budgetSpent(Instant now) {
        return actionsInWindow(now) >= options.actionBudget();
    }

    /** The spent action budget was alerted at {@code at} (a rebuild from the journal says so). */
    void budgetAlerted(Instant at) {
        budgetAlertedAt = at;
    }

    /**
     * Whether the spent action budget should be alerted at {@code now}: at most once per budget window. Records the
     * alert when it answers yes.
     */
    public boolean budgetAlertDue(Instant now) {
        if (budgetAlertedAt != null && now.isBefore(budgetAlertedAt.plus(options.actionBudgetWindow()))) {
            return false;
        }
        budgetAlertedAt = now;
        return true;
    }
}
