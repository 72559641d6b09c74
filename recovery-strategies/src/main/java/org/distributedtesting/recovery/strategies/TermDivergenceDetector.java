package org.distributedtesting.recovery.strategies;

import static org.distributedtesting.recovery.strategies.TermDivergenceStrategy.KIND;
import static org.distributedtesting.recovery.strategies.TermDivergenceStrategy.KIND_CAMPAIGN_LOOP;
import static org.distributedtesting.recovery.strategies.TermDivergenceStrategy.KIND_ELECTIONS_PAUSED;
import static org.distributedtesting.recovery.strategies.TermDivergenceStrategy.KIND_IMPLAUSIBLE_TERM;
import static org.distributedtesting.recovery.strategies.TermDivergenceStrategy.KIND_NO_LEADER;
import static org.distributedtesting.recovery.strategies.TermDivergenceStrategy.KIND_TERM_SPREAD;

import java.time.Duration;
import java.util.ArrayList;
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
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.Severity;

/**
 * The detector and the verification of {@link TermDivergenceStrategy}, with its thresholds: pure functions of a
 * snapshot and its history, reading terms through {@link TermReadings}.
 *
 * <p>Immutable and thread-safe.
 */
final class TermDivergenceDetector implements FailureDetector {

    private final int stabilizationCycles;
    private final long maxTermSpread;
    private final long maxTermGrowth;
    private final int growthWindowCycles;
    private final long maxTermAhead;
    private final Duration leaderlessWindow;

    TermDivergenceDetector(TermDivergenceSettings settings) {
        this.maxTermAhead = settings.maxTermAhead();
        this.leaderlessWindow = settings.leaderlessWindow();
        this.stabilizationCycles = settings.stabilizationCycles();
        this.maxTermSpread = settings.maxTermSpread();
        this.maxTermGrowth = settings.maxTermGrowth();
        this.growthWindowCycles = settings.growthWindowCycles();
    }

    @Override
    public List<Failure> detect(ClusterSnapshot snapshot, ClusterHistory history) {
        Map<NodeId, NodeStatus> voters = TermReadings.voterTerms(snapshot);
        long majorityTerm = TermReadings.majorityTerm(snapshot);
        List<NodeId> implausible = majorityTerm < 0 ? List.of() : voters.entrySet().stream()
                .filter(e -> e.getValue().term() - majorityTerm > maxTermAhead)
                .map(Map.Entry::getKey).toList();
        if (!implausible.isEmpty()) {
            return List.of(implausibleTerm(implausible, majorityTerm, snapshot));
        }
        Map<String, Object> growth = new LinkedHashMap<>();
        List<NodeId> campaigning = new ArrayList<>();
        boolean steady = TermReadings.termsSteady(snapshot, history, growthWindowCycles);
        for (NodeId node : steady ? List.<NodeId>of() : voters.keySet()) {
            long rise = campaignGrowth(node, snapshot, history);
            if (rise > 0) {
                campaigning.add(node);
                growth.put(node.value(), rise);
            }
        }
        if (!campaigning.isEmpty()) {
            return List.of(campaignLoop(campaigning, growth, snapshot));
        }
        Optional<Failure> noLeader = noLeader(snapshot, history);
        if (noLeader.isPresent()) {
            return List.of(noLeader.get());
        }
        List<Failure> failures = new ArrayList<>();
        // lagging needs a voter behind now: only then are the earlier snapshots' majority terms read
        List<NodeId> behindNow = majorityTerm < 0 ? List.of() : voters.entrySet().stream()
                .filter(e -> majorityTerm - e.getValue().term() > maxTermSpread).map(Map.Entry::getKey).toList();
        long[] targets = behindNow.isEmpty() ? null
                : TermReadings.majorityTerms(snapshot, history, stabilizationCycles);
        List<NodeId> lagging = behindNow.stream()
                .filter(n -> TermReadings.laggedFor(n, snapshot, history, targets, maxTermSpread))
                .toList();
        if (!lagging.isEmpty()) {
            failures.add(termSpread(lagging, snapshot));
        }
        Set<NodeId> laggingSet = Set.copyOf(lagging);
        List<NodeId> paused = voters.entrySet().stream()
                .filter(e -> e.getValue().electionsPaused() && !laggingSet.contains(e.getKey()))
                .map(Map.Entry::getKey)
                .filter(n -> TermReadings.spread(snapshot) <= maxTermSpread
                        && TermReadings.peersReach(n, snapshot, voters))
                .toList();
        if (!paused.isEmpty()) {
            failures.add(pausedWhileHealthy(paused, snapshot));
        }
        return failures;
    }

    /**
     * What this detector will report if it lasts: a majority without a leader for less than
     * {@code leaderless_window}, and voters below the majority's term for fewer than {@code stabilization_cycles}.
     */
    @Override
    public List<Failure> forming(ClusterSnapshot snapshot, ClusterHistory history) {
        List<Failure> forming = new ArrayList<>();
        if (leaderless(snapshot)) {
            List<NodeId> voters = List.copyOf(answeringVoters(snapshot).keySet());
            Map<String, Object> evidence = evidence(KIND_NO_LEADER, snapshot);
            evidence.put("leaderless_window_s", leaderlessWindow.toSeconds());
            forming.add(Failure.of(FailureType.TERM_DIVERGENCE, voters, Severity.HIGH, "no leader among the "
                    + voters.size() + " reachable voters " + NodeNames.quoted(voters) + ", not yet for "
                    + leaderlessWindow.toSeconds() + " s (leaderless_window)", evidence));
        }
        long target = TermReadings.majorityTerm(snapshot);
        List<NodeId> behind = target < 0 ? List.of() : TermReadings.voterTerms(snapshot).entrySet().stream()
                .filter(e -> target - e.getValue().term() > maxTermSpread).map(Map.Entry::getKey).toList();
        if (!behind.isEmpty()) {
            Map<String, Object> evidence = evidence(KIND_TERM_SPREAD, snapshot);
            evidence.put("stabilization_cycles", stabilizationCycles);
            forming.add(Failure.of(FailureType.TERM_DIVERGENCE, behind, Severity.MEDIUM, NodeNames.quoted(behind)
                    + " below the majority's term " + target + ", not yet for " + stabilizationCycles
                    + " cycles (stabilization_cycles)", evidence));
        }
        return forming;
    }

    /**
     * The term growth of {@code node}'s own elections over the growth window when it campaigns in a loop, else 0:
     * more than {@code max_term_growth}, in at least two cycles (a single jump is a restored disk or a raise, not a
     * loop), and still going on: in the latest cycle for a node whose elections are paused (the pause did not
     * take), in the latest half of the window otherwise.
     */
    long campaignGrowth(NodeId node, ClusterSnapshot snapshot, ClusterHistory history) {
        if (TermReadings.termsSteady(snapshot, history, growthWindowCycles)) {
            return 0; // no term changed in the window: no node rose, and no node's history needs reading
        }
        List<Long> rises = TermReadings.ownRises(node, snapshot, history, growthWindowCycles);
        long total = rises.stream().mapToLong(Long::longValue).sum();
        long cyclesRising = rises.stream().filter(r -> r > 0).count();
        if (total <= maxTermGrowth || cyclesRising < 2) {
            return 0;
        }
        boolean paused = snapshot.status(node).map(NodeStatus::electionsPaused).orElse(false);
        int recent = paused ? 1 : Math.max(1, (growthWindowCycles + 1) / 2);
        long recentRise = rises.subList(Math.max(0, rises.size() - recent), rises.size()).stream()
                .mapToLong(Long::longValue).sum();
        return recentRise > 0 ? total : 0;
    }

    private Failure campaignLoop(List<NodeId> nodes, Map<String, Object> growth, ClusterSnapshot snapshot) {
        Map<String, Object> evidence = evidence(KIND_CAMPAIGN_LOOP, snapshot);
        evidence.put("own_term_growth", growth);
        evidence.put("max_term_growth", maxTermGrowth);
        evidence.put("growth_window_cycles", growthWindowCycles);
        return Failure.of(FailureType.TERM_DIVERGENCE, nodes, Severity.HIGH, NodeNames.quoted(nodes) + " campaign"
                + (nodes.size() == 1 ? "s" : "") + " in a loop: own elections raised the term by " + growth.values()
                + " within " + growthWindowCycles + " cycles (at most " + maxTermGrowth + " expected)", evidence);
    }

    private Failure termSpread(List<NodeId> nodes, ClusterSnapshot snapshot) {
        Map<String, Object> evidence = evidence(KIND_TERM_SPREAD, snapshot);
        evidence.put("majority_term", TermReadings.majorityTerm(snapshot));
        evidence.put("spread", TermReadings.spread(snapshot));
        evidence.put("max_term_spread", maxTermSpread);
        evidence.put("lagging_cycles", stabilizationCycles + 1);
        return Failure.of(FailureType.TERM_DIVERGENCE, nodes, Severity.MEDIUM, NodeNames.quoted(nodes)
                + " stayed below term " + TermReadings.majorityTerm(snapshot) + ", which a majority of the voters hold,"
                + " for " + (stabilizationCycles + 1)
                + " cycles in a row; terms " + TermReadings.termsEvidence(snapshot), evidence);
    }

    private Failure implausibleTerm(List<NodeId> nodes, long majorityTerm, ClusterSnapshot snapshot) {
        Map<String, Object> evidence = evidence(KIND_IMPLAUSIBLE_TERM, snapshot);
        evidence.put("majority_term", majorityTerm);
        evidence.put("max_term_ahead", maxTermAhead);
        return Failure.of(FailureType.TERM_DIVERGENCE, nodes, Severity.HIGH, NodeNames.quoted(nodes) + " report"
                + (nodes.size() == 1 ? "s" : "") + " a term more than " + maxTermAhead + " above the majority's term "
                + majorityTerm + " (terms " + TermReadings.termsEvidence(snapshot) + "), which no run of elections"
                + " explains: a broken node or a broken report; its term is never a target, and an operator must"
                + " look at it", evidence);
    }

    /**
     * A majority of the voters answers, none leads or knows a leader, for at least {@code leaderless_window}, and
     * no voter started an election meanwhile (by its {@code elections_started}; one whose counter went back, a
     * restarted process, or that does not report it, cannot tell, and at least a quorum must be able to): a cluster
     * that does not even try to elect. Elections that keep starting without a leader are the partition
     * strategy's ({@code elections_without_leader}).
     */
    private Optional<Failure> noLeader(ClusterSnapshot snapshot, ClusterHistory history) {
        if (!leaderless(snapshot)) {
            return Optional.empty();
        }
        ClusterSnapshot oldest = null;
        List<ClusterSnapshot> earlier = history.snapshots();
        for (int i = earlier.size() - 1; i >= 0 && leaderless(earlier.get(i)); i--) {
            oldest = earlier.get(i);
        }
        if (oldest == null) {
            return Optional.empty();
        }
        Duration span = Duration.between(oldest.takenAt(), snapshot.takenAt());
        if (span.compareTo(leaderlessWindow) < 0) {
            return Optional.empty();
        }
        List<NodeId> voters = new ArrayList<>();
        Map<String, Object> started = new LinkedHashMap<>();
        int known = 0;
        for (Map.Entry<NodeId, NodeStatus> e : answeringVoters(snapshot).entrySet()) {
            voters.add(e.getKey());
            long now = e.getValue().electionsStarted();
            long then = oldest.status(e.getKey()).map(NodeStatus::electionsStarted).orElse(-1L);
            if (now >= 0 && then >= 0 && now > then) {
                return Optional.empty();
            }
            if (now >= 0 && then >= 0 && now == then) {
                known++;
                started.put(e.getKey().value(), now);
            }
        }
        if (known < snapshot.quorum()) {
            return Optional.empty();
        }
        Map<String, Object> evidence = evidence(KIND_NO_LEADER, snapshot);
        evidence.put("leaderless_for_seconds", span.toSeconds());
        evidence.put("leaderless_window_s", leaderlessWindow.toSeconds());
        evidence.put("elections_started", started);
        return Optional.of(Failure.of(FailureType.TERM_DIVERGENCE, voters, Severity.HIGH, "no leader among the "
                + voters.size() + " reachable voters " + NodeNames.quoted(voters) + " for " + span.toSeconds()
                + " s, and none started an election (elections_started unchanged: " + started + ")", evidence));
    }

    /** No reachable node leads or names a leader, and a quorum of the voters answers. */
    private static boolean leaderless(ClusterSnapshot snapshot) {
        if (!snapshot.leaders().isEmpty()) {
            return false;
        }
        Map<NodeId, NodeStatus> voters = answeringVoters(snapshot);
        return voters.size() >= snapshot.quorum()
                && voters.values().stream().allMatch(s -> s.leader().isEmpty());
    }

    /** The reachable nodes that report themselves voters, in the snapshot's order. */
    private static Map<NodeId, NodeStatus> answeringVoters(ClusterSnapshot snapshot) {
        Map<NodeId, NodeStatus> voters = new LinkedHashMap<>();
        snapshot.observations().values().forEach(o -> o.reported().filter(NodeStatus::voter)
                .ifPresent(s -> voters.put(o.node(), s)));
        return voters;
    }

    private Failure pausedWhileHealthy(List<NodeId> nodes, ClusterSnapshot snapshot) {
        Map<String, Object> evidence = evidence(KIND_ELECTIONS_PAUSED, snapshot);
        evidence.put("elections_paused", NodeNames.values(nodes));
        return Failure.of(FailureType.TERM_DIVERGENCE, nodes, Severity.LOW, NodeNames.quoted(nodes)
                + ": elections paused, though the term agrees with the others' and a majority reaches it again",
                evidence);
    }

    private static Map<String, Object> evidence(String kind, ClusterSnapshot snapshot) {
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put(KIND, kind);
        evidence.put("terms", TermReadings.termsEvidence(snapshot));
        evidence.put("max_term", TermReadings.maxTerm(snapshot));
        snapshot.leaders().stream().findFirst().ifPresent(leader -> evidence.put("leader", leader.value()));
        return evidence;
    }

    /** See {@link TermDivergenceStrategy#isResolved}. */
    boolean resolved(Failure failure, ClusterSnapshot now, ClusterHistory history) {
        long target = TermReadings.majorityTerm(now);
        if (target < 0) {
            return false;
        }
        Map<NodeId, NodeStatus> voters = TermReadings.voterTerms(now);
        boolean settledLeader = voters.values().stream()
                .anyMatch(s -> s.isLeader() && s.term() >= target - maxTermSpread);
        boolean lagging = voters.values().stream().anyMatch(s -> target - s.term() > maxTermSpread);
        if (lagging || !settledLeader) {
            return false;
        }
        for (NodeId node : TermReadings.voterTerms(now).keySet()) {
            if (campaignGrowth(node, now, history) > 0) {
                return false;
            }
        }
        if (KIND_ELECTIONS_PAUSED.equals(kind(failure))) {
            return failure.nodes().stream()
                    .noneMatch(n -> now.status(n).map(NodeStatus::electionsPaused).orElse(true));
        }
        return true;
    }

    /** The finding a failure reports, from its evidence. */
    static String kind(Failure failure) {
        return String.valueOf(failure.evidence().get(KIND));
    }
}
