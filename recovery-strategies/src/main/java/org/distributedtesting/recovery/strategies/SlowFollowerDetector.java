package org.distributedtesting.recovery.strategies;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.distributedtesting.recovery.ClusterHistory;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.FailureDetector;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeObservation;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.Severity;
import org.distributedtesting.recovery.strategies.LagSignals.Leader;
import org.distributedtesting.recovery.strategies.LagSignals.View;

/**
 * The detector of {@link SlowFollowerStrategy}: voters whose lag, as {@link LagSignals} measures it, is sustained
 * above the maximum or growing above the floor, and non-voters that have caught up and stayed so (to be promoted
 * back).
 *
 * <p>Immutable and thread-safe.
 */
final class SlowFollowerDetector implements FailureDetector {

    static final String SUSTAINED = "sustained_lag";
    static final String GROWING = "growing_lag";
    static final String RE_PROMOTION = "re_promotion";

    private final long maxLag;
    private final int sustainCycles;
    private final long floor;
    private final int growthWindow;
    private final long minGrowth;
    private final long caughtUpLag;
    private final int stableCycles;
    private final Duration slowProbe;
    private final Set<String> permanentLearners;

    SlowFollowerDetector(SlowFollowerSettings settings) {
        this.maxLag = settings.maxLagEntries();
        this.sustainCycles = settings.sustainCycles();
        this.floor = settings.lagFloorEntries();
        this.growthWindow = settings.growthWindowCycles();
        this.minGrowth = settings.minGrowthEntries();
        this.caughtUpLag = settings.caughtUpLagEntries();
        this.stableCycles = settings.stableCycles();
        this.slowProbe = settings.slowProbeLatency();
        this.permanentLearners = settings.permanentLearners();
    }

    /** The last {@code count} snapshots up to and including {@code snapshot}, each with its leader. */
    private static List<View> views(ClusterSnapshot snapshot, ClusterHistory history, int count) {
        List<ClusterSnapshot> snapshots = new ArrayList<>(history.latest(count - 1));
        snapshots.add(snapshot);
        return View.of(snapshots);
    }

    /** The views {@link #caughtUpAndStable} reads: the last {@code stable_cycles} snapshots up to {@code now}. */
    List<View> stableWindow(ClusterSnapshot now, ClusterHistory history) {
        return views(now, history, stableCycles);
    }

    @Override
    public List<Failure> detect(ClusterSnapshot snapshot, ClusterHistory history) {
        int depth = Math.max(Math.max(sustainCycles, growthWindow + 1), stableCycles);
        List<View> views = views(snapshot, history, depth);
        View now = views.get(views.size() - 1);
        List<Failure> failures = new ArrayList<>();
        for (NodeObservation observation : snapshot.observations().values()) {
            NodeStatus status = observation.reported().orElse(null);
            if (status == null) {
                continue;
            }
            NodeId node = observation.node();
            if (!status.voter()) {
                if (!permanentLearners.contains(node.value()) && caughtUpAndStable(views, node, true)) {
                    failures.add(rePromotion(now, node));
                }
                continue; // a learner that is behind harms no quorum: left alone
            }
            OptionalLong lag = now.lag(node);
            if (lag.isEmpty() || !mayFire(lag.getAsLong()) || stuckApplying(views, node, status)) {
                continue; // not following the leader, too little behind, or stuck applying (the deadlock strategy's)
            }
            List<String> signals = new ArrayList<>();
            if (sustained(views, node)) {
                signals.add(SUSTAINED);
            }
            OptionalLong before = lagBefore(views, node);
            if (lag.getAsLong() >= floor && before.isPresent() && lag.getAsLong() - before.getAsLong() >= minGrowth) {
                signals.add(GROWING);
            }
            if (!signals.isEmpty()) {
                failures.add(lagging(now, observation, status, lag.getAsLong(), before, signals));
            }
        }
        return failures;
    }

    /**
     * What this detector will report if it lasts: a voter following the leader more than {@code max_lag_entries}
     * behind in fewer than {@code sustain_cycles} answers in a row (and not stuck applying, the deadlock strategy's
     * signal).
     */
    @Override
    public List<Failure> forming(ClusterSnapshot snapshot, ClusterHistory history) {
        List<View> views = views(snapshot, history, Math.max(2, sustainCycles));
        View now = views.get(views.size() - 1);
        List<Failure> forming = new ArrayList<>();
        for (NodeObservation observation : snapshot.observations().values()) {
            NodeStatus status = observation.reported().orElse(null);
            NodeId node = observation.node();
            OptionalLong lag = now.lag(node);
            if (status == null || !status.voter() || lag.isEmpty()
                    || lag.getAsLong() <= maxLag || stuckApplying(views, node, status)) {
                continue;
            }
            Map<String, Object> evidence = new LinkedHashMap<>();
            evidence.put("signal", SUSTAINED);
            evidence.put("lag_entries", lag.getAsLong());
            evidence.put("max_lag_entries", maxLag);
            evidence.put("sustain_cycles", sustainCycles);
            forming.add(Failure.of(FailureType.SLOW_FOLLOWER, List.of(node), Severity.MEDIUM, "follower '" + node
                    + "' is " + lag.getAsLong() + " entries behind, more than " + maxLag + ", not yet for "
                    + sustainCycles + " cycles (sustain_cycles)", evidence));
        }
        return forming;
    }

    /**
     * Whether a voter {@code lag} entries behind now can show a signal, before its history is read: a sustained lag
     * needs more than {@code max_lag_entries} now (with at least one cycle to sustain), a growing one at least
     * {@code lag_floor_entries} now. Most followers are caught up and stop here.
     */
    private boolean mayFire(long lag) {
        return lag > maxLag || lag >= floor || sustainCycles < 1;
    }

    /**
     * Whether the node's own apply backlog makes up the lag AND its applied index stood still over the last
     * {@code sustain_cycles} snapshots (at least two): an apply loop that does not move is the deadlock strategy's
     * signal. An apply loop that moves, only too slowly (a slow disk under the database), is a slow follower even
     * though its backlog is the whole lag: its log keeps up with the leader, its state does not.
     */
    private boolean stuckApplying(List<View> views, NodeId node, NodeStatus status) {
        if (status.commitIndex() - status.appliedIndex() < floor) {
            return false;
        }
        int span = Math.max(2, sustainCycles);
        if (views.size() < span) {
            return true; // too short a history to tell a stall from slowness: leave it to the next cycles
        }
        for (View v : views.subList(views.size() - span, views.size())) {
            if (v.status(node).map(s -> s.appliedIndex() != status.appliedIndex()).orElse(true)) {
                return false;
            }
        }
        return true;
    }

    private boolean sustained(List<View> views, NodeId node) {
        if (views.size() < sustainCycles) {
            return false;
        }
        for (View v : views.subList(views.size() - sustainCycles, views.size())) {
            OptionalLong lag = v.lag(node);
            if (lag.isEmpty() || lag.getAsLong() <= maxLag) {
                return false;
            }
        }
        return true;
    }

    /** The lag {@code growthWindow} cycles ago, if it was measured then and in every cycle since. */
    private OptionalLong lagBefore(List<View> views, NodeId node) {
        if (views.size() < growthWindow + 1) {
            return OptionalLong.empty();
        }
        List<View> window = views.subList(views.size() - growthWindow - 1, views.size());
        if (window.stream().anyMatch(v -> v.lag(node).isEmpty())) {
            return OptionalLong.empty();
        }
        return window.get(0).lag(node);
    }

    /**
     * Whether the node's lag was measured and within {@code caught_up_lag_entries} in each of the last
     * {@code stable_cycles} views (and the node a non-voter in each, when {@code asLearner}).
     */
    boolean caughtUpAndStable(List<View> views, NodeId node, boolean asLearner) {
        if (views.size() < stableCycles) {
            return false;
        }
        for (View v : views.subList(views.size() - stableCycles, views.size())) {
            OptionalLong lag = v.lag(node);
            boolean learner = v.status(node).map(s -> !s.voter()).orElse(false);
            if (asLearner && !learner || lag.isEmpty() || lag.getAsLong() > caughtUpLag) {
                return false;
            }
        }
        return true;
    }

    private Failure rePromotion(View now, NodeId node) {
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("signal", RE_PROMOTION);
        evidence.put("voter", false);
        evidence.put("lag_entries", now.lag(node).orElse(-1));
        evidence.put("caught_up_lag_entries", caughtUpLag);
        evidence.put("stable_cycles", stableCycles);
        now.leader().ifPresent(l -> evidence.put("leader", l.id().value()));
        return Failure.of(FailureType.SLOW_FOLLOWER, List.of(node), Severity.LOW, "non-voter '" + node
                + "' has stayed within " + caughtUpLag + " entries of the leader for " + stableCycles
                + " cycles: promote it back", evidence);
    }

    private Failure lagging(View now, NodeObservation observation, NodeStatus status, long lag, OptionalLong before,
                            List<String> signals) {
        NodeId node = observation.node();
        Leader leader = now.leader().orElseThrow();
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("signal", signals.get(0));
        evidence.put("signals", List.copyOf(signals));
        evidence.put("lag_entries", lag);
        evidence.put("leader", leader.id().value());
        evidence.put("leader_commit_index", leader.status().commitIndex());
        evidence.put("applied_index", status.appliedIndex());
        evidence.put("max_lag_entries", maxLag);
        if (signals.contains(GROWING)) {
            evidence.put("lag_entries_before", before.orElseThrow());
            evidence.put("growth_window_cycles", growthWindow);
        }
        if (observation instanceof NodeObservation.Reachable r && r.latency().compareTo(slowProbe) >= 0) {
            evidence.put("slow_probe_ms", r.latency().toMillis());
        }
        String why = signals.contains(SUSTAINED)
                ? "more than " + maxLag + " for " + sustainCycles + " cycles"
                : "and falling further behind (" + before.orElseThrow() + " " + growthWindow + " cycles ago)";
        return Failure.of(FailureType.SLOW_FOLLOWER, List.of(node),
                signals.contains(SUSTAINED) ? Severity.MEDIUM : Severity.LOW,
                "follower '" + node + "' is " + lag + " entries behind leader '" + leader.id() + "', " + why, evidence);
    }
}
