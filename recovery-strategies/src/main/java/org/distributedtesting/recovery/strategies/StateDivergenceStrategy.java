package org.distributedtesting.recovery.strategies;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.distributedtesting.recovery.Action;
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

/**
 * State divergence: a node's state-machine checksum differs from the one a majority of the voters reported at
 * the same applied index. Checksums are compared at the same index only, and the authoritative one is the one at
 * least a quorum of the voters agree on, never simply the leader's: when the leader computed a wrong result, its
 * followers' majority wins and the leader's state is the one replaced.
 *
 * <p>For each reachable node's current checksum, the other voters' checksums at that index are gathered from the
 * current snapshot and the history (the latest per node); the node's own history does not count, because it may
 * still hold the wrong checksums it reported before a recovery. A node that disagrees with a majority diverged
 * and is reported alone. When at least two checksums differ at an index every reachable voter has applied and
 * none has a majority, there is no safe authority: the disagreeing nodes are reported together with
 * {@code "authoritative": "none"}, both rungs skip, and the engine escalates. A reachable voter that applied past
 * the index without ever being probed at it is a missing vote, not a dissenting one: while it could still make a
 * majority, nothing is reported at that index.
 *
 * <p>A node a majority found diverged stays diverged while no majority can judge its current index (voters cut off,
 * down or behind) and its process has not restarted: the wrong state is still there, only fewer nodes see it.
 *
 * <p>Ladder (each rung's record is journaled as {@value #RUNG_ACTION}); each rung first has a diverged node that
 * leads step down in favour of a node of the majority (a leader sends its state to lagging followers in snapshots),
 * even when the repair itself must wait; the source is a reachable voter of the majority that the engine does not
 * refuse as suspect, the leader if it is one of them, else the one with the highest applied index:
 * <ol>
 *   <li>{@code transfer_state}: stop the node, move its database aside, restore the database from the source,
 *       start it, and step the leader down.</li>
 *   <li>{@code full_resync}: the same, and the log too is moved aside and reset, so that the node takes every
 *       entry after the restored state from the leader again.</li>
 * </ol>
 * The step-down is the repair rungs' ({@code OfflineRepair.stepDownLeader}): a restored database usually holds more
 * than the node's log, which the node then sets aside, and the leader would go on probing it from the match index
 * it kept (seen on the real Ratis cluster: the node stayed at the restored index for good). It is skipped when the
 * node itself led or no single leader is known, and its failure does not fail the rung.
 * Verified when the node's current checksum is the one a majority agrees on at its index.
 *
 * <p>No settings: the comparison has no threshold, as a deterministic state machine has exactly one right
 * checksum per index; the engine's {@code confirmations} give the damping.
 *
 * <p>Thread-safe and stateless; subclass it and override {@link #transferState} or {@link #fullResync}.
 */
public class StateDivergenceStrategy extends LadderStrategy {

    /** The strategy's name in the registry and the config file. */
    public static final String NAME = "state_divergence";

    /** The journal action of every rung's record, the seed's name. */
    public static final String RUNG_ACTION = "recover_state_divergence";

    /** The engine's guard against copying from a node some failure names. */
    private static final String SUSPECT_SOURCE = "suspect_source";

    private final StateDivergenceDetector detector = new StateDivergenceDetector();

    /**
     * @param settings tuning from the config file: none, so any key is refused
     * @throws NullPointerException if {@code settings} is null
     * @throws SettingsException if {@code settings} has any key
     */
    public StateDivergenceStrategy(Settings settings) {
        super(NAME, FailureType.STATE_DIVERGENCE, settings);
        new SettingsReader(NAME, settings).rejectUnknownKeys();
        rung("transfer_state", RUNG_ACTION, this::transferState);
        rung("full_resync", RUNG_ACTION, this::fullResync);
    }

    /** With the default settings. */
    public StateDivergenceStrategy() {
        this(Settings.EMPTY);
    }

    @Override
    protected List<Failure> detect(ClusterSnapshot snapshot, ClusterHistory history) {
        return detector.detect(snapshot, history);
    }

    /**
     * Rung 0: replaces each affected node's database with a copy from a node of the majority.
     *
     * @return skipped without a majority to copy from; failed when an action failed or was refused
     */
    protected RungResult transferState(Failure failure, RecoveryContext context) {
        return replaceState(failure, context, false);
    }

    /**
     * Rung 1: as {@link #transferState}, and also moves the node's log aside and resets it, so that every entry
     * after the restored state comes from the leader again.
     *
     * @return skipped without a majority to copy from; failed when an action failed or was refused
     */
    protected RungResult fullResync(Failure failure, RecoveryContext context) {
        return replaceState(failure, context, true);
    }

    private RungResult replaceState(Failure failure, RecoveryContext context, boolean resetLog) {
        List<String> done = new ArrayList<>();
        for (NodeId node : failure.nodes()) {
            ChecksumVotes votes = ChecksumVotes.verdict(node, context.snapshot(), context.history()).orElse(null);
            if (votes == null || votes.authoritative().isEmpty()) {
                return RungResult.skipped("no checksum at '" + node + "''s applied index has a majority of the "
                        + "voters: no safe source to copy from");
            }
            String reason = "checksum " + votes.value() + " at index " + votes.index() + " differs from "
                    + votes.authoritative().get() + ", which " + NodeNames.quoted(votes.majority()) + " agree on";
            List<NodeId> candidates = sources(votes.majority(), failure, context.snapshot());
            stepDownIfLeading(node, candidates, reason, context);
            Optional<RungResult> unreachable = OfflineRepair.unreachableWhenStopped(List.of(node), context);
            if (unreachable.isPresent()) {
                return unreachable.get();
            }
            // the engine also refuses a source some other failure names: try the next one of the majority
            Optional<NodeId> source = candidates.stream().filter(c -> context.refusal(
                    new Action.Restore(node, Action.Artifact.DATABASE, c)).map(r -> !SUSPECT_SOURCE.equals(r.guard()))
                    .orElse(true)).findFirst();
            if (source.isEmpty()) {
                return RungResult.failed("no node of the majority " + NodeNames.quoted(votes.majority())
                        + " is reachable and unaffected to copy from");
            }
            String failed = replace(node, source.get(), resetLog, reason, context);
            if (failed != null) {
                return RungResult.failed(failed);
            }
            done.add("'" + node + "' " + (resetLog ? "database restored and log reset" : "database restored")
                    + " from '" + source.get() + "'");
        }
        return RungResult.acted(String.join("; ", done));
    }

    /**
     * The majority nodes to copy from, best first: reachable and unaffected, the leader if it is one, then the
     * furthest.
     */
    private static List<NodeId> sources(List<NodeId> majority, Failure failure, ClusterSnapshot snapshot) {
        return majority.stream()
                .filter(n -> !failure.affects(n) && snapshot.observation(n).reachable())
                .sorted(Comparator.comparing((NodeId n) -> snapshot.status(n).map(NodeStatus::isLeader).orElse(false))
                        .thenComparingLong(n -> snapshot.status(n).map(NodeStatus::appliedIndex).orElse(-1L))
                        .thenComparing(Comparator.reverseOrder()).reversed())
                .toList();
    }

    /**
     * A diverged node that leads hands leadership to a node of the majority first, whether or not the repair can go
     * on now: a leader sends its own state to any follower that fell behind its log, in a snapshot, and would spread
     * its wrong state to it (seen on the simulator: a diverged node elected while a voter of three was cut off sent
     * its state to that voter when it came back, and the two then outvoted the one node still right).
     */
    private static void stepDownIfLeading(NodeId node, List<NodeId> majority, String reason,
                                          RecoveryContext context) {
        if (!context.snapshot().status(node).map(NodeStatus::isLeader).orElse(false)) {
            return;
        }
        Optional<NodeId> successor = majority.stream()
                .filter(n -> context.snapshot().status(n).map(st -> !st.electionsPaused()).orElse(false)).findFirst();
        context.perform(new Action.StepDown(node, successor), "the leader computes wrong results (" + reason
                + "): it must not send its state to followers in snapshots");
    }

    /**
     * Stops, backs up, restores and starts one node; returns why it failed, or null. The guards are asked about every
     * step before the node is stopped; a step that fails after the stop starts the node again on what it has, so that
     * a voter is not left down by a recovery that did not work.
     */
    private static String replace(NodeId node, NodeId source, boolean resetLog, String reason,
                                  RecoveryContext context) {
        List<Action> steps = new ArrayList<>(List.of(new Action.MoveAside(node, Action.Artifact.DATABASE),
                new Action.Restore(node, Action.Artifact.DATABASE, source)));
        if (resetLog) {
            steps.add(new Action.MoveAside(node, Action.Artifact.LOG));
            steps.add(new Action.Reset(node, Action.Artifact.LOG));
        }
        OfflineRepair repair = new OfflineRepair(context, node, reason);
        if (!repair.stopFor(steps.toArray(Action[]::new))) {
            return repair.abort("stop_node").detail();
        }
        for (Action step : steps) {
            if (!repair.step(step)) {
                return repair.abort(step.name()).detail();
            }
        }
        RungResult started = repair.start();
        if (!(started instanceof RungResult.Acted)) {
            return started.detail();
        }
        OfflineRepair.stepDownLeader(context, node);
        return null;
    }

    /** Resolved when each affected node's current checksum is the one a majority agrees on at its index. */
    @Override
    public boolean isResolved(Failure failure, ClusterSnapshot now, ClusterHistory history) {
        return failure.nodes().stream().allMatch(node -> ChecksumVotes.of(node, now, history)
                .map(ChecksumVotes::agrees).orElse(false));
    }
}
