package org.distributedtesting.recovery.strategies;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.ClusterHistory;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeObservation;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.RecoveryContext;
import org.distributedtesting.recovery.RungResult;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.SettingsException;
import org.distributedtesting.recovery.core.LadderStrategy;

/**
 * Term divergence: the reachable voters do not settle on one term, or a node's term climbs because it campaigns in
 * a loop (a node cut off from its peers with pre-vote off: each election of its own raises its term, and when it
 * reconnects its high term deposes the leader).
 *
 * <p>The detector reports three findings, told apart by the evidence key {@value #KIND}:
 * <ul>
 *   <li>{@value #KIND_CAMPAIGN_LOOP}: a node's own elections raised its term by more than {@code max_term_growth}
 *       within {@code growth_window_cycles}, and it is still at it. Only its own elections count (its
 *       {@code electionsStarted} must rise with its term), so a node that follows a higher term, or that the
 *       engine raised, is not campaigning. While a node campaigns, the term spread it causes is not reported
 *       separately: raising terms toward a climbing term would only drag the cluster along.</li>
 *   <li>{@value #KIND_TERM_SPREAD}: reachable voters that have stayed more than {@code max_term_spread} terms below
 *       the majority's term in the current snapshot and in each of the {@code stabilization_cycles} before it. The
 *       majority's term is the highest term that at least a quorum of the voters hold (or exceed); a term only a
 *       minority reports (a node cut off while it campaigned, a broken node) is never a target, so the healthy
 *       majority is never raised on one node's say-so. An election makes terms differ for about 100 ms, so it never
 *       lasts that long.</li>
 *   <li>{@value #KIND_ELECTIONS_PAUSED}: a node whose elections are paused (by this strategy) although its term
 *       agrees with the others' again and a majority including it reaches each other: it must take part in
 *       elections again.</li>
 *   <li>{@value #KIND_IMPLAUSIBLE_TERM}: a reachable voter whose term is more than {@code max_term_ahead} terms
 *       above the majority's term: no run of elections explains such a jump, so the node (or its report) is
 *       broken. It is the patient, never the model: no rung acts on this finding, so the engine escalates it at once
 *       and the operator decides; its term is never sent to another node. Reported alone, since the other findings
 *       would read a broken number.</li>
 * </ul>
 *
 * <p>Ladder, least invasive first; each rung applies to one finding and skips the others, so the engine climbs
 * past it at once: a campaign loop starts at the pause, a lasting spread at the raise, paused elections at the
 * resume. Terms are never lowered: a raise is only sent to a node whose freshly probed term is below the target.
 * <ol>
 *   <li>{@code resume_elections}: lets a paused node that is healthy again campaign again.</li>
 *   <li>{@code pause_disruptive_node}: pauses the elections of a node campaigning in a loop, so that it cannot
 *       depose the leader when it reconnects (it still votes and follows a leader) until it is healthy again.
 *       Never pauses so many voters that fewer than a majority could still campaign.</li>
 *   <li>{@code raise_lagging_terms}: raises each lagging node to the majority's term (always Raft-safe; a raised
 *       leader steps down and the cluster elects again above every term).</li>
 *   <li>{@code rerun_election}: the leader steps down in favour of an up-to-date voter at the highest term, which
 *       campaigns at once above every term; for lagging nodes that cannot be raised directly. The last rung: it
 *       repeats with backoff until the attempt budget is spent, then the engine escalates.</li>
 * </ol>
 * The design's order is raise, isolate, re-run; isolation comes first here because raising terms toward a node
 * that still campaigns only chases its term and deposes the leader each time, while pausing it first makes its
 * term stand still, and the spread it left is then raised away as a finding of its own.
 *
 * <p>Every rung's record is journaled as {@value #RUNG_ACTION}; the actions as {@code pause_elections},
 * {@code resume_elections}, {@code raise_term} and {@code step_down_leader}. Verified when no reachable voter lags
 * the majority's term (by more than {@code max_term_spread}), a voter leads at that term, no node campaigns in a
 * loop, and, for paused elections, the node campaigns again. A campaign loop on a node cut off from its peers is
 * therefore verified once its elections are paused and the majority has a leader: the node keeps its high term,
 * stays paused while its peers cannot reach it (the partition is the partition strategy's to recover), and when it
 * reconnects its term costs one election, after which every term agrees and its elections are resumed.
 *
 * <p>Settings ({@code strategies.term_divergence} in the config file):
 * <ul>
 *   <li>{@code stabilization_cycles} (default {@value #DEFAULT_STABILIZATION_CYCLES}): see
 *       {@link #DEFAULT_STABILIZATION_CYCLES}.</li>
 *   <li>{@code max_term_spread} (default {@value #DEFAULT_MAX_TERM_SPREAD}): see {@link #DEFAULT_MAX_TERM_SPREAD}.</li>
 *   <li>{@code max_term_growth} (default {@value #DEFAULT_MAX_TERM_GROWTH}): see {@link #DEFAULT_MAX_TERM_GROWTH}.</li>
 *   <li>{@code growth_window_cycles} (default {@value #DEFAULT_GROWTH_WINDOW_CYCLES}): see
 *       {@link #DEFAULT_GROWTH_WINDOW_CYCLES}.</li>
 *   <li>{@code max_term_ahead} (default {@value #DEFAULT_MAX_TERM_AHEAD}): see {@link #DEFAULT_MAX_TERM_AHEAD}.</li>
 * </ul>
 * The windows are counted in engine cycles and read from the engine's history, so they must stay below its
 * {@code history_size}.
 *
 * <p>Thread-safe and stateless; subclass it and override a rung.
 */
public class TermDivergenceStrategy extends LadderStrategy {

    /** The strategy's name in the registry and the config file. */
    public static final String NAME = "term_divergence";

    /** The journal action of every rung's record. */
    public static final String RUNG_ACTION = "recover_term_divergence";

    /** The evidence key that tells the findings apart. */
    public static final String KIND = "kind";
    /** Finding: a node campaigns in a loop. */
    public static final String KIND_CAMPAIGN_LOOP = "campaign_loop";
    /** Finding: voters stay below the term a majority of the voters hold. */
    public static final String KIND_TERM_SPREAD = "term_spread";
    /** Finding: a node's elections are paused although it is healthy again. */
    public static final String KIND_ELECTIONS_PAUSED = "elections_paused";

    /** Finding: a majority of the voters answers, none leads or knows a leader, and none starts an election. */
    public static final String KIND_NO_LEADER = "no_leader";

    /**
     * How long a majority of the voters may answer without a leader and without starting an election: 5 s, five of
     * etcd's 1 s election timeouts. A Raft follower that hears no leader campaigns within one timeout (randomized up
     * to 2 s); a cluster that has not even tried for this long (after a step-down, say) will not elect by itself.
     * At the daemon's 30 s interval two snapshots are enough.
     */
    public static final Duration DEFAULT_LEADERLESS_WINDOW = Duration.ofSeconds(5);

    /** Evidence {@value #KIND} of a node whose term is too far above the majority's for elections to explain. */
    public static final String KIND_IMPLAUSIBLE_TERM = "implausible_term";

    /**
     * Cycles a lag must persist beyond the current one: 5. An election settles within one election timeout
     * (etcd: 1 s, randomized up to 2 s) and terms differ for about 100 ms meanwhile; even a split vote settles in
     * two or three randomized timeouts. At the usual 1 s cycle, 6 snapshots in a row span 5 s, so a normal or
     * repeated election never counts.
     */
    public static final int DEFAULT_STABILIZATION_CYCLES = 5;

    /**
     * Terms a voter may lag behind the majority's term beyond stabilization: 0. Once an election has settled every
     * voter that hears the leader holds its term; any lasting difference is divergence.
     */
    public static final long DEFAULT_MAX_TERM_SPREAD = 0;

    /**
     * Terms a node may add by its own elections within the growth window: 5. A healthy node starts at most one
     * election per etcd election timeout (1 s, randomized up to 2 s) and only when it hears no leader; more than
     * 5 within 10 cycles is a node that keeps losing and trying again, which with pre-vote on does not happen.
     */
    public static final long DEFAULT_MAX_TERM_GROWTH = 5;

    /** Cycles over which a node's term growth is measured: 10, that is 10 s at the usual 1 s cycle. */
    public static final int DEFAULT_GROWTH_WINDOW_CYCLES = 10;

    /**
     * Terms a voter may be above the majority's term before its term counts as implausible: a million elections,
     * more than a node cut off for a day and campaigning every 100 ms would start, and far below the overflow of a
     * 64-bit term.
     */
    public static final long DEFAULT_MAX_TERM_AHEAD = 1_000_000;

    private final TermDivergenceSettings tuning;
    private final TermDivergenceDetector detector;

    /**
     * @param settings tuning from the config file
     * @throws SettingsException if a setting is unknown or not valid, naming its key
     */
    public TermDivergenceStrategy(Settings settings) {
        super(NAME, FailureType.TERM_DIVERGENCE, settings);
        this.tuning = TermDivergenceSettings.from(settings);
        this.detector = new TermDivergenceDetector(tuning);
        rung("resume_elections", RUNG_ACTION, this::resumeElections);
        rung("pause_disruptive_node", RUNG_ACTION, this::pauseDisruptiveNode);
        rung("raise_lagging_terms", RUNG_ACTION, this::raiseLaggingTerms);
        rung("rerun_election", RUNG_ACTION, this::rerunElection);
    }

    /** With the default settings. */
    public TermDivergenceStrategy() {
        this(Settings.EMPTY);
    }

    @Override
    protected List<Failure> detect(ClusterSnapshot snapshot, ClusterHistory history) {
        return detector.detect(snapshot, history);
    }

    /** A majority without a leader, or a voter below the majority's term, not yet for long enough. */
    @Override
    protected List<Failure> forming(ClusterSnapshot snapshot, ClusterHistory history) {
        return detector.forming(snapshot, history);
    }

    /**
     * Rung 0: lets the affected nodes campaign again; for {@value #KIND_ELECTIONS_PAUSED}, and for
     * {@value #KIND_NO_LEADER}, where it asks every reachable voter for an election: the node protocol's
     * {@code elections} with {@code paused: false}, which a node that knows no leader answers by campaigning.
     *
     * @return skipped for another finding; failed when an action failed or was refused
     */
    protected RungResult resumeElections(Failure failure, RecoveryContext context) {
        boolean noLeader = KIND_NO_LEADER.equals(kind(failure));
        if (!KIND_ELECTIONS_PAUSED.equals(kind(failure)) && !noLeader) {
            return RungResult.skipped("no paused node to resume: the finding is " + kind(failure));
        }
        List<String> done = new ArrayList<>();
        for (NodeId node : failure.nodes()) {
            ActionResult result = context.perform(new Action.SetElectionsPaused(node, false), noLeader
                    ? "no leader among the reachable voters and no election started: asking for an election"
                    : "its term agrees with the others' and a majority reaches it again");
            if (!result.succeeded()) {
                return RungResult.failed("resume_elections on '" + node + "' " + result.detail());
            }
            done.add("'" + node + "' " + result.detail());
        }
        return RungResult.acted(String.join("; ", done));
    }

    /**
     * Rung 1: pauses the elections of the nodes campaigning in a loop; only for {@value #KIND_CAMPAIGN_LOOP}.
     * A node that is paused keeps voting and following a leader; {@link #resumeElections} lets it campaign again
     * once it is healthy. Never pauses a node when fewer than a majority of the voters would be left able to
     * campaign.
     *
     * @return skipped for another finding; failed when an action failed, or when no node could be paused safely
     */
    protected RungResult pauseDisruptiveNode(Failure failure, RecoveryContext context) {
        if (!KIND_CAMPAIGN_LOOP.equals(kind(failure))) {
            return RungResult.skipped("no node campaigns in a loop: the finding is " + kind(failure));
        }
        ClusterSnapshot snapshot = context.snapshot();
        long canCampaign = snapshot.voters().stream()
                .filter(v -> snapshot.status(v).map(s -> !s.electionsPaused()).orElse(false)).count();
        List<String> done = new ArrayList<>();
        List<NodeId> kept = new ArrayList<>();
        for (NodeId node : failure.nodes()) {
            boolean alreadyPaused = snapshot.status(node).map(NodeStatus::electionsPaused).orElse(false);
            if (!alreadyPaused && canCampaign - 1 < snapshot.quorum()) {
                kept.add(node);
                continue;
            }
            ActionResult result = context.perform(new Action.SetElectionsPaused(node, true),
                    "its own elections keep raising its term " + growthOf(failure, node)
                            + "; paused until its term agrees with the others' and a majority reaches it");
            if (!result.succeeded()) {
                return RungResult.failed("pause_elections on '" + node + "' " + result.detail());
            }
            canCampaign -= alreadyPaused ? 0 : 1;
            done.add("'" + node + "' " + result.detail());
        }
        if (done.isEmpty()) {
            return RungResult.failed("pausing " + NodeNames.quoted(kept) + " would leave fewer than a majority ("
                    + snapshot.quorum() + ") of the voters able to campaign");
        }
        return RungResult.acted(String.join("; ", done) + (kept.isEmpty() ? ""
                : "; kept " + NodeNames.quoted(kept) + " campaigning to keep a majority able to"));
    }

    /**
     * Rung 2: raises each affected node below the term a majority of the voters hold to that term; only for
     * {@value #KIND_TERM_SPREAD}. Each node's term is probed again first: a raise is never sent to a node already
     * at or above the target.
     *
     * @return skipped for another finding; failed when a node did not answer or an action failed
     */
    protected RungResult raiseLaggingTerms(Failure failure, RecoveryContext context) {
        if (!KIND_TERM_SPREAD.equals(kind(failure))) {
            return RungResult.skipped(KIND_CAMPAIGN_LOOP.equals(kind(failure))
                    ? "a node still campaigns: raising terms toward a climbing term would drag the cluster along"
                    : "no node lags: the finding is " + kind(failure));
        }
        long target = TermReadings.majorityTerm(context.snapshot());
        if (target < 0) {
            return RungResult.skipped("fewer than a majority of the voters report a term: no term to raise to");
        }
        List<String> done = new ArrayList<>();
        for (NodeId node : failure.nodes()) {
            NodeObservation fresh = context.probe(node);
            long term = fresh.reported().map(NodeStatus::term).orElse(-1L);
            if (term < 0) {
                return RungResult.failed("'" + node + "' did not report its term: "
                        + (fresh instanceof NodeObservation.Unreachable u ? u.reason() : "term unknown"));
            }
            if (term >= target) {
                done.add("'" + node + "' already at term " + term);
                continue;
            }
            ActionResult result = context.perform(new Action.RaiseTerm(node, target),
                    "term " + term + " lags term " + target + ", which a majority of the voters hold");
            if (!result.succeeded()) {
                return RungResult.failed("raise_term on '" + node + "' " + result.detail());
            }
            done.add("'" + node + "' " + term + " -> " + target + ": " + result.detail());
        }
        return RungResult.acted(String.join("; ", done));
    }

    /**
     * Rung 3: the leader steps down in favour of the up-to-date voter with the highest term (not affected, not
     * paused), which campaigns at once above every term, so that every node that hears it takes the new term;
     * only for {@value #KIND_TERM_SPREAD}.
     *
     * @return skipped for another finding, without a leader or without a successor; failed when the step-down
     *         failed
     */
    protected RungResult rerunElection(Failure failure, RecoveryContext context) {
        if (!KIND_TERM_SPREAD.equals(kind(failure))) {
            return RungResult.skipped("re-running the election does not help against " + kind(failure));
        }
        Map<NodeId, NodeStatus> voters = TermReadings.voterTerms(context.snapshot());
        Optional<Map.Entry<NodeId, NodeStatus>> leader = voters.entrySet().stream()
                .filter(e -> e.getValue().isLeader())
                .max(Comparator.comparingLong(e -> e.getValue().term()));
        if (leader.isEmpty()) {
            return RungResult.skipped("no leader to step down: the cluster is electing");
        }
        long leaderCommit = leader.get().getValue().commitIndex();
        Optional<NodeId> successor = voters.entrySet().stream()
                .filter(e -> !e.getKey().equals(leader.get().getKey()) && !failure.affects(e.getKey()))
                .filter(e -> !e.getValue().electionsPaused() && e.getValue().lastLogIndex() >= leaderCommit)
                .max(Comparator.comparingLong((Map.Entry<NodeId, NodeStatus> e) -> e.getValue().term())
                        .thenComparingLong(e -> e.getValue().lastLogIndex()))
                .map(Map.Entry::getKey);
        if (successor.isEmpty()) {
            return RungResult.skipped("no up-to-date voter outside " + NodeNames.quoted(failure.nodes())
                    + " to take over");
        }
        NodeId from = leader.get().getKey();
        ActionResult result = context.perform(new Action.StepDown(from, successor),
                "re-run the election above term " + TermReadings.majorityTerm(context.snapshot()) + " from '"
                        + successor.get() + "', so that " + NodeNames.quoted(failure.nodes()) + " take the new term");
        if (!result.succeeded()) {
            return RungResult.failed("step_down_leader on '" + from + "' " + result.detail());
        }
        return RungResult.acted("'" + from + "' stepped down for '" + successor.get() + "': " + result.detail());
    }

    private static String kind(Failure failure) {
        return TermDivergenceDetector.kind(failure);
    }

    private static String growthOf(Failure failure, NodeId node) {
        Object growth = failure.evidence().get("own_term_growth");
        if (growth instanceof Map<?, ?> byNode && byNode.get(node.value()) != null) {
            return "(+" + byNode.get(node.value()) + " within " + failure.evidence().get("growth_window_cycles")
                    + " cycles)";
        }
        return "";
    }

    /**
     * Resolved when no reachable voter lags the majority's term by more than {@code max_term_spread} and a
     * reachable voter leads at that term (the election a raise causes has settled), no node campaigns in a loop and,
     * for paused elections, none of the affected nodes is paused any more. Judged on the current snapshot, not on how long the agreement
     * has lasted.
     */
    @Override
    public boolean isResolved(Failure failure, ClusterSnapshot now, ClusterHistory history) {
        return detector.resolved(failure, now, history);
    }

    /** Cycles beyond the current one a lag must last. */
    public int stabilizationCycles() {
        return tuning.stabilizationCycles();
    }

    /** Terms a voter may lag behind the majority's term beyond stabilization. */
    public long maxTermSpread() {
        return tuning.maxTermSpread();
    }

    /** Terms a node's own elections may add within the growth window. */
    public long maxTermGrowth() {
        return tuning.maxTermGrowth();
    }

    /** Cycles over which term growth is measured. */
    public int growthWindowCycles() {
        return tuning.growthWindowCycles();
    }
}
