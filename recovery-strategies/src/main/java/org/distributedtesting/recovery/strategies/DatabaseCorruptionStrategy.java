package org.distributedtesting.recovery.strategies;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.ClusterHistory;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.IntegrityCheck;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeObservation;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.RecoveryContext;
import org.distributedtesting.recovery.RungResult;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.SettingsException;
import org.distributedtesting.recovery.core.LadderStrategy;

/**
 * Database corruption: a node answers and its own database integrity check failed (page checksums, schema
 * validation, the storage engine's integrity check). The verdict is the node's, so there is no threshold to tune;
 * the engine still confirms the failure over {@code confirmations} cycles.
 *
 * <p>Ladder, least invasive first; every step that replaces data moves the old copy aside first (never deletes):
 * <ol>
 *   <li>{@code restore_from_replica} (journal {@code recover_database_corruption}): stop the node, move its database
 *       aside, restore it from a healthy replica, start it. The source answers, passes its database and log checks,
 *       serves as a member, is not the node itself, and its state checksum is the one a majority of the cluster
 *       reported at the same applied index; among those the highest applied index wins (usually the leader). If
 *       the engine refuses a source as suspect (another failure affects it), the next candidate is tried.</li>
 *   <li>{@code full_state_sync} (journal {@code full_state_sync_on_corrupt_database}): stop, move the database aside
 *       and reset it, move the log aside and reset it, start: the node rejoins empty and the leader refills it by
 *       snapshot and replication.</li>
 * </ol>
 * After either rung has started the node again, the leader is asked to step down: it still counts log entries the
 * node lost (see {@code OfflineRepair.stepDownLeader}).
 * Verified when the node's database check passes, it answers as a member, and, when its checksum can be compared
 * with a majority's at the same index, it agrees.
 *
 * <p>Settings ({@code strategies.database_corruption} in the config file):
 * <ul>
 *   <li>{@code require_checksum_agreement} (default {@value #DEFAULT_REQUIRE_CHECKSUM_AGREEMENT}): a restore source
 *       must hold the checksum a majority agrees on. Turn it off only for hosts that report no state checksums;
 *       a source whose checksum disagrees with the majority is never used either way.</li>
 * </ul>
 *
 * <p>Thread-safe and stateless; subclass it and override {@link #restoreFromReplica}, {@link #fullStateSync} or
 * {@link #restoreSources} to change one step.
 */
public class DatabaseCorruptionStrategy extends LadderStrategy {

    /** The strategy's name in the registry and the config file. */
    public static final String NAME = "database_corruption";

    /**
     * The authoritative copy is the one a majority agrees on (DESIGN, safety rules): restoring from a replica whose
     * state nobody vouches for could spread a second corruption.
     */
    public static final boolean DEFAULT_REQUIRE_CHECKSUM_AGREEMENT = true;

    private final DatabaseCorruptionSettings tuning;
    private final DatabaseCorruptionDetector detector = new DatabaseCorruptionDetector();

    /**
     * @param settings tuning from the config file
     * @throws SettingsException if a setting is unknown or not valid, naming its key
     */
    public DatabaseCorruptionStrategy(Settings settings) {
        super(NAME, FailureType.DATABASE_CORRUPTION, settings);
        this.tuning = DatabaseCorruptionSettings.from(settings);
        rung("restore_from_replica", "recover_database_corruption", this::restoreFromReplica);
        rung("full_state_sync", "full_state_sync_on_corrupt_database", this::fullStateSync);
    }

    /** With the default settings. */
    public DatabaseCorruptionStrategy() {
        this(Settings.EMPTY);
    }

    @Override
    protected List<Failure> detect(ClusterSnapshot snapshot, ClusterHistory history) {
        return detector.detect(snapshot, history);
    }

    /**
     * Rung 0: stop the node, move its database aside, restore it from a healthy replica that a majority vouches
     * for, start the node.
     *
     * @return skipped when no replica qualifies (the ladder climbs to a full state sync at once); acted when the
     *         node was started on the restored copy; failed when a step failed or a guard refused it
     */
    protected RungResult restoreFromReplica(Failure failure, RecoveryContext context) {
        Optional<RungResult> unreachable = OfflineRepair.unreachableWhenStopped(failure.nodes(), context);
        if (unreachable.isPresent()) {
            return unreachable.get();
        }
        List<NodeId> sources = restoreSources(failure, context.snapshot(), context.history());
        if (sources.isEmpty()) {
            return RungResult.skipped("no healthy replica whose state a majority agrees on to restore from");
        }
        List<String> details = new ArrayList<>();
        for (NodeId node : failure.nodes()) {
            OfflineRepair repair = new OfflineRepair(context, node, "database integrity check failed: "
                    + failure.evidence().getOrDefault("database_check", "corrupt"));
            if (!repair.stopFor(new Action.MoveAside(node, Action.Artifact.DATABASE))) {
                return repair.abort("stop");
            }
            if (!repair.step(new Action.MoveAside(node, Action.Artifact.DATABASE))) {
                return repair.abort("moving the database aside");
            }
            boolean restored = false;
            for (NodeId source : sources) {
                restored = repair.step(new Action.Restore(node, Action.Artifact.DATABASE, source));
                boolean suspect = repair.last() instanceof ActionResult.Refused r && "suspect_source".equals(r.guard());
                if (restored || !suspect) {
                    break;
                }
            }
            if (!restored) {
                return repair.abort("restoring the database from " + sources);
            }
            RungResult started = repair.start();
            if (!(started instanceof RungResult.Acted)) {
                return started;
            }
            details.add(started.detail() + OfflineRepair.stepDownLeader(context, node));
        }
        return RungResult.acted(String.join("; ", details));
    }

    /**
     * Rung 1: stop the node, move its database and its log aside and reset both, start it: it rejoins empty and
     * the leader refills it from its snapshot.
     */
    protected RungResult fullStateSync(Failure failure, RecoveryContext context) {
        Optional<RungResult> unreachable = OfflineRepair.unreachableWhenStopped(failure.nodes(), context);
        if (unreachable.isPresent()) {
            return unreachable.get();
        }
        List<String> details = new ArrayList<>();
        for (NodeId node : failure.nodes()) {
            OfflineRepair repair = new OfflineRepair(context, node, "database still corrupt: full state sync from "
                    + "the leader");
            if (!repair.stopFor(new Action.Reset(node, Action.Artifact.DATABASE),
                    new Action.Reset(node, Action.Artifact.LOG))) {
                return repair.abort("stop");
            }
            if (!repair.moveAsideAndReset(Action.Artifact.DATABASE)) {
                return repair.abort("moving aside and resetting the database");
            }
            if (!repair.moveAsideAndReset(Action.Artifact.LOG)) {
                return repair.abort("moving aside and resetting the log");
            }
            RungResult started = repair.start();
            if (!(started instanceof RungResult.Acted)) {
                return started;
            }
            details.add(started.detail() + OfflineRepair.stepDownLeader(context, node));
        }
        return RungResult.acted(String.join("; ", details));
    }

    /**
     * The replicas to restore from, best first: reachable members outside the failure whose database and log
     * checks pass and whose checksum a majority agrees with (or, with {@code require_checksum_agreement} off, at
     * least does not contradict), highest applied index first, then the leader, then configuration order.
     */
    protected List<NodeId> restoreSources(Failure failure, ClusterSnapshot snapshot, ClusterHistory history) {
        ReplicaChecksums checksums = ReplicaChecksums.of(snapshot, history);
        List<NodeObservation> candidates = new ArrayList<>();
        for (NodeObservation o : snapshot.observations().values()) {
            NodeStatus status = o.reported().orElse(null);
            if (status == null || failure.affects(o.node()) || !healthy(status)) {
                continue;
            }
            ReplicaChecksums.Verdict verdict = checksums.verdict(o.node());
            if (verdict == ReplicaChecksums.Verdict.AGREES
                    || !tuning.requireChecksumAgreement() && verdict == ReplicaChecksums.Verdict.UNKNOWN) {
                candidates.add(o);
            }
        }
        List<NodeId> order = snapshot.observations().keySet().stream().toList();
        candidates.sort(Comparator.comparingLong((NodeObservation o) -> o.reported().orElseThrow().appliedIndex())
                .reversed()
                .thenComparing(o -> !o.reported().orElseThrow().isLeader())
                .thenComparingInt(o -> order.indexOf(o.node())));
        return candidates.stream().map(NodeObservation::node).toList();
    }

    private static boolean healthy(NodeStatus status) {
        return status.database().status() == IntegrityCheck.Status.OK
                && status.log().status() == IntegrityCheck.Status.OK && NodeSignals.isMember(status);
    }

    /**
     * Resolved when every affected node passes its database check, answers as a member and, where its checksum
     * can be compared with a majority's at the same index, agrees.
     */
    @Override
    public boolean isResolved(Failure failure, ClusterSnapshot now, ClusterHistory history) {
        ReplicaChecksums checksums = ReplicaChecksums.of(now, history);
        for (NodeId node : failure.nodes()) {
            NodeStatus status = now.status(node).orElse(null);
            if (status == null || status.database().status() != IntegrityCheck.Status.OK
                    || !NodeSignals.isMember(status)) {
                return false;
            }
            if (status.stateChecksum().map(checksums::verdict).orElse(ReplicaChecksums.Verdict.UNKNOWN)
                    == ReplicaChecksums.Verdict.DISAGREES) {
                return false;
            }
        }
        return true;
    }

    /** Whether a restore source must hold the checksum a majority agrees on. */
    public boolean requiresChecksumAgreement() {
        return tuning.requireChecksumAgreement();
    }
}
