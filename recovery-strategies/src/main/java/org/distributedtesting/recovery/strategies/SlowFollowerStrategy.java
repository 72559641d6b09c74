package org.distributedtesting.recovery.strategies;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.ClusterHistory;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.RecoveryContext;
import org.distributedtesting.recovery.RungResult;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.SettingsException;
import org.distributedtesting.recovery.core.LadderStrategy;
import org.distributedtesting.recovery.strategies.LagSignals.Leader;

/**
 * Slow follower: a voting follower that does not keep up with the leader. The lag is the leader's commit index
 * minus the follower's applied index, read only for a follower that follows the leader in its term. Two signals:
 * <ul>
 *   <li>{@code sustained_lag}: more than {@code max_lag_entries} behind for {@code sustain_cycles} cycles;</li>
 *   <li>{@code growing_lag}: at least {@code lag_floor_entries} behind and {@code min_growth_entries} further
 *       behind than {@code growth_window_cycles} cycles ago, with the lag measured in every cycle between (a node
 *       that was down in the window is catching up after a restart, not slow).</li>
 * </ul>
 * A probe slower than {@code slow_probe_latency} is added to the evidence; it is too weak a signal on its own. A
 * node whose own apply backlog (commit index minus applied index) makes up the lag and whose applied index has not
 * moved for {@code sustain_cycles} cycles is stuck applying, which is the deadlock strategy's signal, and is not
 * reported here; one whose applied index moves, only too slowly, is a slow follower.
 *
 * <p>Ladder, least invasive first (rung records journaled as {@code recover_slow_follower}):
 * {@code trigger_sync} (the leader resends what the follower lacks: {@code trigger_sync_on_slow_follower}) &rarr;
 * {@code restart_slow_follower} &rarr; {@code transfer_state} (stop, move the database aside, copy the leader's
 * database, start; skipped without a healthy leader) &rarr; {@code demote} (to non-voter, only while the remaining
 * voters that answer keep {@code min_fault_tolerance}; skipped otherwise, and the engine escalates) &rarr;
 * {@code re_promote}. Verified when the follower has stayed within {@code caught_up_lag_entries} of the leader for
 * {@code stable_cycles} cycles, or is no longer a voter.
 *
 * <p>Re-promotion: a demoted node is left alone while it is behind (a learner's lag harms no quorum), and is never
 * reported as slow. Once it has stayed within {@code caught_up_lag_entries} for {@code stable_cycles} cycles in a
 * row, it is reported once as a {@code re_promotion} failure: the first four rungs skip it and {@code re_promote}
 * makes it a voter again. Every non-voter is taken for a demoted voter unless listed in {@code permanent_learners}.
 * Should the node's attempt budget be spent by then (every rung of its demotion failed once), the engine
 * quarantines it instead, and its half-open retry after {@code quarantine_retry_after} runs the promotion: a
 * demoted node is promoted late, never lost.
 *
 * <p>Settings ({@code strategies.slow_follower} in the config file), each default with its reason on its
 * constant: {@code max_lag_entries}, {@code sustain_cycles}, {@code lag_floor_entries}, {@code growth_window_cycles},
 * {@code min_growth_entries}, {@code caught_up_lag_entries}, {@code stable_cycles}, {@code min_fault_tolerance},
 * {@code slow_probe_latency} (seconds) and {@code permanent_learners} (node ids, default none).
 *
 * <p>Thread-safe and stateless; subclass it and override one rung to change it.
 */
public class SlowFollowerStrategy extends LadderStrategy {

    /** The strategy's name in the registry and the config file. */
    public static final String NAME = "slow_follower";

    /** The journal action of every rung record. */
    public static final String RUNG_ACTION = "recover_slow_follower";

    /** Consul autopilot's {@code MaxTrailingLogs}: a server further behind than this is unhealthy. */
    public static final long DEFAULT_MAX_LAG_ENTRIES = 250;

    /** 3 cycles: Kubernetes' default {@code failureThreshold} of 3 failed probes. */
    public static final int DEFAULT_SUSTAIN_CYCLES = 3;

    /**
     * 50 entries: a fifth of Consul's 250 and five times the 1 to 10 entries a healthy follower trails by under
     * steady writes; a follower that lags for a couple of seconds or pauses for a GC never gets there.
     */
    public static final long DEFAULT_LAG_FLOOR_ENTRIES = 50;

    /** 10 cycles: Consul autopilot's 10 s {@code ServerStabilizationTime}, at one cycle a second. */
    public static final int DEFAULT_GROWTH_WINDOW_CYCLES = 10;

    /**
     * 20 entries: twice the swing of a healthy follower's lag (1 to 10 entries), so only a follower that keeps
     * falling behind grows this much within the window.
     */
    public static final long DEFAULT_MIN_GROWTH_ENTRIES = 20;

    /** 20 entries: within twice a healthy follower's 10 entries of lag counts as caught up. */
    public static final long DEFAULT_CAUGHT_UP_LAG_ENTRIES = 20;

    /**
     * 10 cycles: Consul autopilot promotes a non-voter only after it has been healthy for its 10 s
     * {@code ServerStabilizationTime}.
     */
    public static final int DEFAULT_STABLE_CYCLES = 10;

    /** 1: the remaining voters must still survive the loss of one more, as a 3-node cluster does. */
    public static final long DEFAULT_MIN_FAULT_TOLERANCE = 1;

    /** 100 ms: etcd's heartbeat interval; a probe slower than one heartbeat is noted as a slow response. */
    public static final Duration DEFAULT_SLOW_PROBE_LATENCY = Duration.ofMillis(100);

    private final SlowFollowerSettings tuning;
    private final SlowFollowerDetector detector;

    /**
     * @param settings tuning from the config file
     * @throws SettingsException if a setting is unknown or not valid, naming its key
     */
    public SlowFollowerStrategy(Settings settings) {
        super(NAME, FailureType.SLOW_FOLLOWER, settings);
        this.tuning = SlowFollowerSettings.from(settings);
        this.detector = new SlowFollowerDetector(tuning);
        rung("trigger_sync", RUNG_ACTION, this::triggerSync);
        rung("restart_slow_follower", RUNG_ACTION, this::restartSlowFollower);
        rung("transfer_state", RUNG_ACTION, this::transferState);
        rung("demote", RUNG_ACTION, this::demote);
        rung("re_promote", RUNG_ACTION, this::rePromote);
    }

    /** With the default settings. */
    public SlowFollowerStrategy() {
        this(Settings.EMPTY);
    }

    @Override
    protected List<Failure> detect(ClusterSnapshot snapshot, ClusterHistory history) {
        return detector.detect(snapshot, history);
    }

    /** A voter more than {@code max_lag_entries} behind in fewer than {@code sustain_cycles} answers in a row. */
    @Override
    protected List<Failure> forming(ClusterSnapshot snapshot, ClusterHistory history) {
        return detector.forming(snapshot, history);
    }

    /** Whether {@code failure} asks for a demoted node to be promoted back rather than for a lag to be fixed. */
    public static boolean isRePromotion(Failure failure) {
        return SlowFollowerDetector.RE_PROMOTION.equals(failure.evidence().get("signal"));
    }

    /** Rung 0: the leader resends what the follower lacks, from its log's end. */
    protected RungResult triggerSync(Failure failure, RecoveryContext context) {
        if (isRePromotion(failure)) {
            return RungResult.skipped("the node has caught up; it needs re-promotion, not a sync");
        }
        Optional<Leader> leader = LagSignals.leader(context.snapshot());
        if (leader.isEmpty()) {
            return RungResult.skipped("no single leader to sync from");
        }
        return NodeActions.performOnEach(failure, context, node -> new Action.TriggerSync(node, leader.get().id(),
                "trigger_sync_on_slow_follower"), "slow follower: " + failure.evidence().get("lag_entries")
                + " entries behind");
    }

    /** Rung 1: restarts the follower, journaled as {@code restart_slow_follower}. */
    protected RungResult restartSlowFollower(Failure failure, RecoveryContext context) {
        if (isRePromotion(failure)) {
            return RungResult.skipped("the node has caught up; it needs re-promotion, not a restart");
        }
        return NodeActions.performOnEach(failure, context, node -> new Action.Restart(node, "restart_slow_follower"),
                "slow follower still behind after a sync");
    }

    /**
     * Rung 2: a direct state transfer: stop the follower, move its database aside, copy the leader's, start it.
     * Skipped without a single leader whose database passes its check, and when {@code auto_restart} is off (the
     * node could not be started again). When a step fails after the stop, the node is started again before the
     * rung reports the failure.
     */
    protected RungResult transferState(Failure failure, RecoveryContext context) {
        if (isRePromotion(failure)) {
            return RungResult.skipped("the node has caught up; it needs re-promotion, not a state transfer");
        }
        if (!context.options().autoRestart()) {
            return RungResult.skipped("auto_restart is off: a node stopped for the transfer could not be started");
        }
        Leader leader = LagSignals.leader(context.snapshot()).orElse(null);
        if (leader == null || leader.status().database().failed()) {
            return RungResult.skipped(leader == null ? "no single leader to copy the state from"
                    : "the leader's database fails its check: " + leader.status().database().detail());
        }
        Optional<RungResult> unreachable = OfflineRepair.unreachableWhenStopped(failure.nodes(), context);
        if (unreachable.isPresent()) {
            return unreachable.get();
        }
        List<String> done = new ArrayList<>();
        for (NodeId node : failure.nodes()) {
            if (node.equals(leader.id())) {
                return RungResult.skipped("'" + node + "' leads now; nothing to copy to it");
            }
            ActionResult stop = context.perform(new Action.Stop(node), "state transfer to a slow follower");
            if (!stop.succeeded()) {
                return RungResult.failed("stop of '" + node + "' " + stop.detail());
            }
            String failed = copyLeaderDatabase(context, node, leader.id());
            ActionResult start = context.perform(new Action.Start(node),
                    failed == null ? "state transfer done" : "state transfer failed; bring the node back");
            if (failed != null) {
                return RungResult.failed(failed);
            }
            if (!start.succeeded()) {
                return RungResult.failed("start of '" + node + "' after the state transfer " + start.detail());
            }
            done.add("'" + node + "' has the state of '" + leader.id() + "'");
        }
        return RungResult.acted(String.join("; ", done));
    }

    /** Moves the stopped node's database aside and restores the leader's; returns why it failed, or null. */
    private static String copyLeaderDatabase(RecoveryContext context, NodeId node, NodeId leader) {
        ActionResult aside = context.perform(new Action.MoveAside(node, Action.Artifact.DATABASE),
                "back up the slow follower's database before the state transfer");
        if (!aside.succeeded()) {
            return "moving the database of '" + node + "' aside " + aside.detail();
        }
        ActionResult restore = context.perform(new Action.Restore(node, Action.Artifact.DATABASE, leader),
                "copy the state of leader '" + leader + "'");
        return restore.succeeded() ? null : "restoring the database of '" + node + "' " + restore.detail();
    }

    /**
     * Rung 3: demotes the follower to non-voter, only while the voters that remain and answer still tolerate
     * {@code min_fault_tolerance} more failures; skipped otherwise.
     */
    protected RungResult demote(Failure failure, RecoveryContext context) {
        if (isRePromotion(failure)) {
            return RungResult.skipped("the node is already a non-voter");
        }
        ClusterSnapshot snapshot = context.snapshot();
        List<NodeId> voters = snapshot.voters();
        for (NodeId node : failure.nodes()) {
            List<NodeId> remaining = voters.stream().filter(v -> !v.equals(node)).toList();
            long up = remaining.stream().filter(v -> snapshot.observation(v).reachable()).count();
            long tolerance = up - (remaining.size() / 2 + 1);
            if (tolerance < tuning.minFaultTolerance()) {
                return RungResult.skipped("demoting '" + node + "' would leave " + remaining.size() + " voters ("
                        + up + " up) tolerating " + Math.max(0, tolerance) + " failures; min_fault_tolerance is "
                        + tuning.minFaultTolerance());
            }
        }
        return NodeActions.performOnEach(failure, context, node -> new Action.SetVoter(node, false),
                "slow follower: demote to non-voter until it has caught up");
    }

    /** Rung 4: promotes a demoted node that has caught up and stayed stable back to voter; skips anything else. */
    protected RungResult rePromote(Failure failure, RecoveryContext context) {
        if (!isRePromotion(failure)) {
            return RungResult.skipped("the node is a voter that is behind; there is nothing to re-promote");
        }
        return NodeActions.performOnEach(failure, context, node -> new Action.SetVoter(node, true),
                "caught up within " + tuning.caughtUpLagEntries() + " entries for "
                        + failure.evidence().get("stable_cycles") + " cycles");
    }

    /**
     * A re-promotion is resolved when the node votes again. A lag is resolved when the node answers and either no
     * longer votes (demoted, and left alone) or has stayed within {@code caught_up_lag_entries} of the leader for
     * {@code stable_cycles} cycles: a follower that catches up for a moment and falls behind again (a state
     * transfer onto a disk that is still slow) is not recovered.
     */
    @Override
    public boolean isResolved(Failure failure, ClusterSnapshot now, ClusterHistory history) {
        List<LagSignals.View> views = detector.stableWindow(now, history);
        for (NodeId node : failure.nodes()) {
            NodeStatus status = now.status(node).orElse(null);
            if (status == null) {
                return false;
            }
            boolean resolved = isRePromotion(failure) ? status.voter()
                    : !status.voter() || detector.caughtUpAndStable(views, node, false);
            if (!resolved) {
                return false;
            }
        }
        return true;
    }

    /** The lag within which a follower counts as caught up. */
    public long caughtUpLagEntries() {
        return tuning.caughtUpLagEntries();
    }

    /** The fault tolerance the remaining voters must keep for a demotion. */
    public long minFaultTolerance() {
        return tuning.minFaultTolerance();
    }
}
