package org.distributedtesting.recovery.core.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.RecoveryEvent;

/**
 * Watches a {@link SimulatedCluster} for the things a recovery engine must never break, after every simulation
 * event: at most one leader per term, no committed entry lost or changed, one state per applied index, no
 * acknowledged write lost, and the engine's own safety rules (quorum budget, backup before a destructive action,
 * no suspect copy source) and availability (no node taken out of service by a recovery unless a detected failure
 * names it). It records {@link Violation}s instead of throwing, so a run goes on and a test asserts
 * on {@link #violations()} at the end.
 *
 * <p>Per-event work is O(nodes): a node's state is checked only when its applied index or checksum changed, and
 * committed entries are recorded once each, from the leader's commit notifications. A new leader's log is
 * compared with the committed entries above its snapshot, once per election.
 *
 * <p>Tests that deliberately inject a bug say so: {@link #exemptTerm} for two leaders in one term,
 * {@link #exemptNode} for a node that applies wrong results.
 *
 * <p>Thread-safe: every public method holds the cluster's lock, the same lock the cluster's own methods hold.
 */
public final class InvariantChecker {

    /** Two nodes led the same term. */
    public static final String ELECTION_SAFETY = "election_safety";
    /** A new leader lacks a committed entry, or a committed index was seen with two different entries. */
    public static final String LEADER_COMPLETENESS = "leader_completeness";
    /** Two nodes have different states at the same applied index. */
    public static final String STATE_MACHINE_SAFETY = "state_machine_safety";
    /** An acknowledged write is missing from, or different in, a node's state that should have it. */
    public static final String ACKNOWLEDGED_WRITE_LOST = "acknowledged_write_lost";
    /** A disruptive or destructive action left fewer live voters than a majority. */
    public static final String QUORUM_BUDGET = "quorum_budget";
    /** A node's data was restored or reset without being moved aside first. */
    public static final String BACKUP_BEFORE_DESTRUCTIVE = "backup_before_destructive";
    /** Data was copied from a node that was down, corrupt or known to compute wrong results. */
    public static final String SUSPECT_SOURCE = "suspect_source";
    /**
     * A recovery stopped, restarted, demoted or replaced the data of a node that no detected failure names (and that
     * no test declared with {@link #allowDisruption}).
     */
    public static final String AVAILABILITY = "availability";

    /** At most this many violations are kept; the rest are counted. A broken run must not exhaust memory. */
    static final int MAX_RECORDED = 1000;

    /**
     * One broken invariant.
     *
     * <p>Immutable and thread-safe.
     *
     * @param atMillis  virtual milliseconds when it was seen
     * @param invariant which invariant, one of the {@link InvariantChecker} constants
     * @param detail    what was wrong, naming the nodes, terms and indexes involved
     */
    public record Violation(long atMillis, String invariant, String detail) {
        /**
         * @throws NullPointerException     if {@code invariant} or {@code detail} is null
         * @throws IllegalArgumentException if {@code atMillis} is negative
         */
        public Violation {
            Objects.requireNonNull(invariant, "invariant");
            Objects.requireNonNull(detail, "detail");
            if (atMillis < 0) {
                throw new IllegalArgumentException("atMillis must be >= 0, but was " + atMillis);
            }
        }

        @Override
        public String toString() {
            return String.format("%9.3f  %s: %s", atMillis / 1000.0, invariant, detail);
        }
    }

    // Everything here is guarded by lock, the cluster's monitor: public methods take it, and the hooks run inside
    // the cluster's synchronized methods.
    private final Object lock;
    private final Simulation sim;
    private final List<Violation> violations = new ArrayList<>();
    private long violationCount;
    private final Map<String, Long> countsByInvariant = new TreeMap<>();
    private final Map<Long, Integer> leaderByTerm = new HashMap<>();
    private final Map<Long, String> exemptTerms = new TreeMap<>();
    private final Map<Integer, String> exemptNodes = new TreeMap<>();
    private final boolean[] exempt;
    private final CommittedEntries committed;
    private final StateMachineSafety stateMachines;
    private final AcknowledgedWrites acknowledgedWrites;
    private final ActionRules actionRules;
    private final AvailabilityRule availability;

    /** Subscribes to {@code sim}'s leader and commit notifications; {@code lock} guards the simulation. */
    InvariantChecker(Simulation sim, Object lock) {
        this.sim = sim;
        this.lock = lock;
        this.exempt = new boolean[sim.nodes.size()];
        this.committed = new CommittedEntries(this, sim.nodes.size());
        this.stateMachines = new StateMachineSafety(this, sim);
        this.acknowledgedWrites = new AcknowledgedWrites(this, sim);
        this.actionRules = new ActionRules(this, sim);
        this.availability = new AvailabilityRule(this);
        sim.onLeader(this::leaderElected);
        sim.onCommit(committed::committed);
    }

    // ---- hooks -------------------------------------------------------------------------------------------------

    /** After every event: the state-machine check of each node whose state changed. */
    void afterEvent() {
        stateMachines.check();
    }

    private void leaderElected(RaftNode leader) {
        Integer previous = leaderByTerm.putIfAbsent(leader.term, leader.index);
        if (previous != null && previous != leader.index && !exemptTerms.containsKey(leader.term)) {
            record(ELECTION_SAFETY, "term " + leader.term + " is led by '" + sim.nodes.get(previous).id
                    + "' and by '" + leader.id + "'");
        }
        committed.checkNewLeader(leader);
    }

    /**
     * The simulated node control calls this with every action the engine executes, before the action takes
     * effect; it checks the engine's safety rules: {@value #QUORUM_BUDGET}, {@value #BACKUP_BEFORE_DESTRUCTIVE}
     * and {@value #SUSPECT_SOURCE}.
     *
     * @throws NullPointerException if {@code action} is null
     */
    public void actionExecuted(Action action) {
        Objects.requireNonNull(action, "action");
        synchronized (lock) {
            actionRules.executed(action);
        }
    }

    /**
     * Every engine built with {@link SimulatedCluster#engine()} sends its events here: an action carried out for a
     * failure (a {@link RecoveryEvent.ActionTaken} whose result is done) that stops, restarts, demotes or replaces the
     * data of a node the failure does not name breaks {@value #AVAILABILITY}, unless the node was declared with
     * {@link #allowDisruption}. Other events are ignored. An engine built otherwise can register this method as a
     * {@link org.distributedtesting.recovery.RecoveryListener} itself.
     *
     * @throws NullPointerException if {@code event} is null
     */
    public void recoveryEvent(RecoveryEvent event) {
        Objects.requireNonNull(event, "event");
        synchronized (lock) {
            availability.event(event);
        }
    }

    /**
     * Lets recoveries take {@code node} out of service although no failure names it, because the strategy under test
     * does so on purpose (a rolling restart, a ladder that restarts a peer); {@value #AVAILABILITY} is not checked
     * for it until {@link #disallowDisruption}.
     *
     * @throws NullPointerException     if any argument is null
     * @throws IllegalArgumentException if the node is not in the cluster
     */
    public void allowDisruption(NodeId node, String reason) {
        Objects.requireNonNull(reason, "reason");
        synchronized (lock) {
            indexOf(node);
            availability.allow(node, reason);
        }
    }

    /**
     * Ends what {@link #allowDisruption} allowed for {@code node}.
     *
     * @throws NullPointerException     if {@code node} is null
     * @throws IllegalArgumentException if the node is not in the cluster
     */
    public void disallowDisruption(NodeId node) {
        synchronized (lock) {
            indexOf(node);
            availability.disallow(node);
        }
    }

    /**
     * Checks that every acknowledged write is in the state of every live node whose database is intact and that
     * has applied the write's index, and in the current leader's state or log (or, with no leader, somewhere).
     * Meant for the end of a run; each lost write on each node is recorded once, however often this is called.
     *
     * @return the violations this call found that were not recorded before
     */
    public List<Violation> checkAcknowledgedWrites() {
        synchronized (lock) {
            return acknowledgedWrites.check();
        }
    }

    // ---- exemptions --------------------------------------------------------------------------------------------

    /**
     * Tolerates two leaders in {@code term}, because the test injected that bug on purpose; a later second leader
     * in that term is not a violation of {@value #ELECTION_SAFETY}. The other invariants still hold.
     *
     * @throws NullPointerException if {@code reason} is null
     */
    public void exemptTerm(long term, String reason) {
        Objects.requireNonNull(reason, "reason");
        synchronized (lock) {
            exemptTerms.put(term, reason);
        }
    }

    /**
     * Tolerates wrong state on {@code node}, because the test made it apply wrong results on purpose: its state
     * is not compared and not recorded, states equal to its own (copied from it) are not held against other
     * nodes, its acknowledged writes are not checked, and copying data from it is a {@value #SUSPECT_SOURCE}.
     *
     * @throws NullPointerException     if any argument is null
     * @throws IllegalArgumentException if the node is not in the cluster
     */
    public void exemptNode(NodeId node, String reason) {
        Objects.requireNonNull(reason, "reason");
        synchronized (lock) {
            int at = indexOf(node);
            exempt[at] = true;
            exemptNodes.put(at, reason);
        }
    }

    /**
     * Ends {@code node}'s exemption: it must agree with the others again from now on, so a node that was not
     * recovered is reported as soon as its state is next compared. When the last exemption ends, states copied
     * from exempted nodes are no longer tolerated either.
     *
     * @throws NullPointerException     if {@code node} is null
     * @throws IllegalArgumentException if the node is not in the cluster
     */
    public void clearExemption(NodeId node) {
        synchronized (lock) {
            int at = indexOf(node);
            exempt[at] = false;
            exemptNodes.remove(at);
            stateMachines.exemptionCleared(at, exemptNodes.isEmpty());
            stateMachines.check();
        }
    }

    boolean exempt(int node) {
        return exempt[node];
    }

    private int indexOf(NodeId node) {
        Objects.requireNonNull(node, "node");
        for (RaftNode n : sim.nodes) {
            if (n.id.equals(node)) {
                return n.index;
            }
        }
        throw new IllegalArgumentException("node '" + node + "' is not in this cluster");
    }

    // ---- results -----------------------------------------------------------------------------------------------

    /** The violations seen so far, oldest first (at most {@value #MAX_RECORDED}; {@link #report()} counts all). */
    public List<Violation> violations() {
        synchronized (lock) {
            return List.copyOf(violations);
        }
    }

    /** Whether no invariant was broken so far. */
    public boolean clean() {
        synchronized (lock) {
            return violationCount == 0;
        }
    }

    /** A readable summary: the verdict, counts per invariant, the exemptions in force and each violation. */
    public String report() {
        synchronized (lock) {
            if (violationCount == 0) {
                return "invariants: no violations" + exemptions();
            }
            StringBuilder out = new StringBuilder("invariants: ").append(violationCount)
                    .append(violationCount == 1 ? " violation " : " violations ").append(countsByInvariant);
            if (violationCount > violations.size()) {
                out.append(", ").append(violationCount - violations.size()).append(" not kept");
            }
            out.append(exemptions());
            violations.forEach(v -> out.append('\n').append(v));
            return out.toString();
        }
    }

    private String exemptions() {
        StringBuilder out = new StringBuilder();
        if (!exemptTerms.isEmpty()) {
            out.append("; exempt terms ").append(exemptTerms);
        }
        exemptNodes.forEach((node, reason) ->
                out.append("; exempt node '").append(sim.nodes.get(node).id).append("': ").append(reason));
        return out.toString();
    }

    /** Records a violation now; also writes it to the simulation's trace, where it sits among its causes. */
    Violation record(String invariant, String detail) {
        Violation violation = new Violation(sim.now(), invariant, detail);
        violationCount++;
        countsByInvariant.merge(invariant, 1L, Long::sum);
        if (violations.size() < MAX_RECORDED) {
            violations.add(violation);
        }
        sim.trace("INVARIANT VIOLATED " + invariant + ": " + detail);
        return violation;
    }
}
