package org.distributedtesting.recovery.strategies;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.distributedtesting.recovery.ClusterHistory;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.FailureDetector;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeObservation;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.Role;
import org.distributedtesting.recovery.Severity;

/**
 * The detector of {@link NetworkPartitionStrategy}: four signals read from the snapshot and the history, merged into
 * one failure per node so that a failure keeps its key while the signals that show it change.
 *
 * <ol>
 *   <li>{@value #UNREACHABLE_PROCESS_ALIVE}: the monitor cannot reach the node, yet its supervisor says its process
 *       runs (or no supervisor can tell, so it must not be called a crash and restarted);</li>
 *   <li>{@value #PEERS_REPORT_UNREACHABLE}: the monitor reaches the node, but a majority of the reachable peers that
 *       report on it cannot (not counted for a node that reports role UNKNOWN: it runs no Raft server for its peers
 *       to reach);</li>
 *   <li>{@value #LEADER_DISAGREEMENT}: the node follows (or is) another leader than the one a majority of the
 *       voters follows, on several cycles in a row;</li>
 *   <li>{@value #ELECTIONS_WITHOUT_LEADER}: enough voters answer to elect a leader, none leads, and elections keep
 *       starting over the window (split votes, or voters that cannot reach each other).</li>
 * </ol>
 *
 * A node that claims leadership while another reachable node does too is left to the split-brain strategy, which
 * settles leadership first; a partition recovery started on it first would block the fencing, because the engine
 * runs one recovery per node at a time.
 *
 * <p>Immutable and thread-safe.
 */
final class NetworkPartitionDetector implements FailureDetector {

    static final String UNREACHABLE_PROCESS_ALIVE = "unreachable_process_alive";
    static final String PEERS_REPORT_UNREACHABLE = "peers_report_unreachable";
    static final String LEADER_DISAGREEMENT = "leader_disagreement";
    static final String ELECTIONS_WITHOUT_LEADER = "elections_without_leader";

    private final int disagreementCycles;
    private final Duration electionWindow;
    private final long minFailedElections;

    NetworkPartitionDetector(NetworkPartitionSettings settings) {
        this.disagreementCycles = settings.leaderDisagreementCycles();
        this.electionWindow = settings.electionWindow();
        this.minFailedElections = settings.minFailedElections();
    }

    /** What was found about one node. */
    private static final class Finding {
        final List<String> signals = new ArrayList<>();
        final List<String> phrases = new ArrayList<>();
        final Map<String, Object> evidence = new LinkedHashMap<>();
        Severity severity = Severity.MEDIUM;
    }

    @Override
    public List<Failure> detect(ClusterSnapshot snapshot, ClusterHistory history) {
        Map<NodeId, Finding> findings = new LinkedHashMap<>();
        Set<NodeId> contested = contestedLeaders(snapshot);
        Map<NodeId, PeerView> views = peerViews(snapshot);
        unreachableButAlive(snapshot, views, findings);
        reportedUnreachableByPeers(snapshot, views, contested, findings);
        leaderDisagreement(snapshot, history, contested, findings);
        electionsWithoutLeader(snapshot, history, findings);
        List<Failure> failures = new ArrayList<>();
        for (NodeId node : snapshot.observations().keySet()) {
            Finding f = findings.get(node);
            if (f != null) {
                f.evidence.put("signals", List.copyOf(f.signals));
                failures.add(Failure.of(FailureType.NETWORK_PARTITION, List.of(node), f.severity,
                        "'" + node + "' " + String.join("; ", f.phrases), f.evidence));
            }
        }
        return failures;
    }

    private static Finding finding(Map<NodeId, Finding> findings, NodeId node) {
        return findings.computeIfAbsent(node, n -> new Finding());
    }

    /** Reachable nodes that claim leadership while another reachable node does too: split brain's to settle. */
    private static Set<NodeId> contestedLeaders(ClusterSnapshot snapshot) {
        List<NodeId> leaders = snapshot.leaders();
        return leaders.size() > 1 ? Set.copyOf(leaders) : Set.of();
    }

    // ---- 1. unreachable, process alive ---------------------------------------------------------------------------

    private static void unreachableButAlive(ClusterSnapshot snapshot, Map<NodeId, PeerView> views,
                                            Map<NodeId, Finding> findings) {
        boolean quorumAtRisk = snapshot.reachable().size() < snapshot.quorum();
        for (NodeObservation o : snapshot.observations().values()) {
            if (!(o instanceof NodeObservation.Unreachable down) || down.process().isDead()) {
                continue;
            }
            Finding f = finding(findings, down.node());
            f.signals.add(UNREACHABLE_PROCESS_ALIVE);
            boolean alive = down.process().isAlive();
            f.phrases.add("does not answer (" + down.reason() + ") but its process is "
                    + (alive ? "alive" : "of unknown state (" + down.process().detail() + ")")
                    + ": a partition, not a crash");
            f.evidence.put("reachable", false);
            f.evidence.put("probe_error", down.reason());
            f.evidence.put("process", down.process().liveness().name().toLowerCase(java.util.Locale.ROOT));
            f.evidence.put("process_detail", down.process().detail());
            down.process().pid().ifPresent(pid -> f.evidence.put("pid", pid));
            peerViews(views, down.node(), f);
            if (quorumAtRisk) {
                f.severity = Severity.HIGH;
            }
        }
    }

    // ---- 2. reachable by the monitor, not by its peers -----------------------------------------------------------

    private static void reportedUnreachableByPeers(ClusterSnapshot snapshot, Map<NodeId, PeerView> views,
                                                   Set<NodeId> contested, Map<NodeId, Finding> findings) {
        for (NodeId node : snapshot.reachable()) {
            PeerView view = views.get(node);
            if (contested.contains(node) || view == null || notServingRaft(snapshot, node)) {
                continue;
            }
            int reporting = view.cannot.size() + view.can.size();
            if (view.cannot.isEmpty() || view.cannot.size() * 2 <= reporting) {
                continue;
            }
            Finding f = finding(findings, node);
            f.signals.add(PEERS_REPORT_UNREACHABLE);
            f.phrases.add("answers the monitor but " + view.cannot.size() + " of " + reporting
                    + " reachable peers cannot reach it");
            f.evidence.put("reachable", true);
            peerViews(views, node, f);
        }
    }

    /**
     * A node that answers with role UNKNOWN runs no Raft server: it is starting, or it keeps itself out of Raft
     * because its own database or log check failed. Its peers cannot reach a port nothing listens on, whatever the
     * network does, so their reports say nothing about a partition (left to this detector, a node kept out by its
     * own check would outrank the corruption strategies, wait for a "heal" that never comes and be quarantined).
     * Seen on a real cluster both ways: a node restarted after a repair serves its status a few seconds before its
     * Raft server, and was confirmed partitioned while it started.
     */
    private static boolean notServingRaft(ClusterSnapshot snapshot, NodeId node) {
        return snapshot.status(node).map(s -> s.role() == Role.UNKNOWN).orElse(false);
    }

    private static void peerViews(Map<NodeId, PeerView> views, NodeId node, Finding f) {
        PeerView view = views.getOrDefault(node, new PeerView());
        f.evidence.put("peers_reporting_unreachable", NodeNames.values(view.cannot));
        f.evidence.put("peers_reporting_reachable", NodeNames.values(view.can));
    }

    /** What the reachable peers that report on a node say about it: who cannot reach it, who can. */
    private static final class PeerView {
        final List<NodeId> cannot = new ArrayList<>();
        final List<NodeId> can = new ArrayList<>();
    }

    /**
     * Every node's peer view, built in one pass over all reports (in configuration order of the reporters), so
     * the detector stays linear in what the nodes report instead of scanning every report once per node.
     */
    private static Map<NodeId, PeerView> peerViews(ClusterSnapshot snapshot) {
        Map<NodeId, PeerView> views = new HashMap<>();
        for (NodeObservation o : snapshot.observations().values()) {
            o.reported().ifPresent(status -> status.peerReachability().forEach((peer, reaches) -> {
                if (!peer.equals(o.node())) {
                    PeerView view = views.computeIfAbsent(peer, p -> new PeerView());
                    (reaches ? view.can : view.cannot).add(o.node());
                }
            }));
        }
        return views;
    }

    // ---- 3. different leaders ------------------------------------------------------------------------------------

    private void leaderDisagreement(ClusterSnapshot snapshot, ClusterHistory history, Set<NodeId> contested,
                                    Map<NodeId, Finding> findings) {
        Optional<NodeId> majority = Leadership.majorityLeader(snapshot);
        if (majority.isEmpty() || history.size() < disagreementCycles - 1) {
            return;
        }
        Map<NodeId, NodeId> dissenters = dissenters(snapshot, majority);
        for (ClusterSnapshot earlier : history.latest(disagreementCycles - 1)) {
            if (dissenters.isEmpty()) {
                break; // nobody dissents now: what dissented before does not matter
            }
            dissenters.keySet().retainAll(dissenters(earlier, Leadership.majorityLeader(earlier)).keySet());
        }
        List<String> supporters = null; // the same for every dissenter: read once, and only when there is one
        for (Map.Entry<NodeId, NodeId> e : dissenters.entrySet()) {
            NodeId node = e.getKey();
            if (contested.contains(node)) {
                continue;
            }
            if (supporters == null) {
                supporters = NodeNames.values(Leadership.supporters(snapshot, majority.get()));
            }
            Finding f = finding(findings, node);
            f.signals.add(LEADER_DISAGREEMENT);
            String follows = e.getValue().equals(node) ? "claims leadership" : "follows '" + e.getValue() + "'";
            f.phrases.add(follows + " while a majority follows '" + majority.get() + "', for "
                    + disagreementCycles + " cycles");
            f.evidence.put("leader_seen", e.getValue().value());
            f.evidence.put("majority_leader", majority.get().value());
            f.evidence.put("majority_supporters", supporters);
        }
    }

    /**
     * Reachable nodes naming another leader than the one a majority follows ({@code majority}, the snapshot's
     * {@link Leadership#majorityLeader}), with the leader they name.
     */
    private static Map<NodeId, NodeId> dissenters(ClusterSnapshot snapshot, Optional<NodeId> majority) {
        Map<NodeId, NodeId> dissenters = new LinkedHashMap<>();
        if (majority.isEmpty()) {
            return dissenters;
        }
        for (NodeObservation o : snapshot.observations().values()) {
            NodeStatus status = o.reported().orElse(null);
            if (status == null) {
                continue;
            }
            Optional<NodeId> named = status.isLeader() ? Optional.of(o.node()) : status.leader();
            if (named.isPresent() && !named.get().equals(majority.get())) {
                dissenters.put(o.node(), named.get());
            }
        }
        return dissenters;
    }

    // ---- 4. repeated elections, no leader ------------------------------------------------------------------------

    private void electionsWithoutLeader(ClusterSnapshot snapshot, ClusterHistory history,
                                        Map<NodeId, Finding> findings) {
        if (!leaderless(snapshot)) {
            return;
        }
        ClusterSnapshot oldest = null;
        List<ClusterSnapshot> earlier = history.snapshots();
        for (int i = earlier.size() - 1; i >= 0 && leaderless(earlier.get(i)); i--) {
            oldest = earlier.get(i);
        }
        if (oldest == null) {
            return;
        }
        Duration span = Duration.between(oldest.takenAt(), snapshot.takenAt());
        if (span.compareTo(electionWindow) < 0) {
            return;
        }
        Map<NodeId, Long> started = new LinkedHashMap<>();
        long total = 0;
        for (NodeObservation o : snapshot.observations().values()) {
            long now = o.reported().map(NodeStatus::electionsStarted).orElse(-1L);
            long then = oldest.status(o.node()).map(NodeStatus::electionsStarted).orElse(-1L);
            if (now >= 0 && then >= 0 && now > then) {
                started.put(o.node(), now - then);
                total += now - then;
            }
        }
        if (total < minFailedElections) {
            return;
        }
        for (Map.Entry<NodeId, Long> e : started.entrySet()) {
            Finding f = finding(findings, e.getKey());
            f.signals.add(ELECTIONS_WITHOUT_LEADER);
            f.phrases.add("started " + e.getValue() + " elections in " + span.toSeconds() + " s (" + total
                    + " in all) and no reachable node leads");
            f.evidence.put("elections_started", e.getValue());
            f.evidence.put("elections_started_by_all", total);
            f.evidence.put("leaderless_for_seconds", span.toSeconds());
            f.severity = Severity.HIGH;
        }
    }

    /** No reachable node leads although enough voters answer to elect one. */
    private static boolean leaderless(ClusterSnapshot snapshot) {
        if (!snapshot.leaders().isEmpty()) {
            return false;
        }
        long reachableVoters = snapshot.observations().values().stream()
                .filter(o -> o.reported().map(NodeStatus::voter).orElse(false)).count();
        return reachableVoters >= snapshot.quorum();
    }
}
