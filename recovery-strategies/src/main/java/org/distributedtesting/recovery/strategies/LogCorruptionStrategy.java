package org.distributedtesting.recovery.strategies;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ClusterHistory;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.IntegrityCheck;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.RecoveryContext;
import org.distributedtesting.recovery.RungResult;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.SettingsException;
import org.distributedtesting.recovery.core.LadderStrategy;

/**
 * Log corruption, seen two ways:
 * <ul>
 *   <li>a node answers and its own log scan failed: an entry's checksum does not match, indexes have a gap, or
 *       terms go down;</li>
 *   <li>a node does not start on its log: it does not answer, its process ended by itself with an error exit code
 *       (not 0, not 137/143, which are a stop or a kill), and the last time it answered, within the engine's
 *       history, its log check had failed. {@link ProcessCrashStrategy} leaves such a node to this strategy:
 *       restarting it would only fail again. Once the history no longer holds a failed log check of the node
 *       (after {@code history_size} cycles down) the crash strategy takes it back and escalates it.</li>
 * </ul>
 * The engine confirms the failure over {@code confirmations} cycles.
 *
 * <p>Ladder, least invasive first; the old data is always moved aside first, never deleted:
 * <ol>
 *   <li>{@code reset_log} (journal {@code recover_log_corruption}): stop the node, move its log aside, reset it,
 *       start it, and ask the leader to step down (a Raft leader never lowers the match index it keeps for a
 *       follower, so it would go on counting entries the node lost). It rejoins as a follower with its database and
 *       an empty log, and the new leader refills the log by AppendEntries or InstallSnapshot: a full sync of the log
 *       from the leader.</li>
 *   <li>{@code full_state_sync} (journal {@code full_state_sync_on_corrupt_log}): the same, and its database is
 *       moved aside and reset too, for a node whose state was built from the corrupt log.</li>
 * </ol>
 * Verified when the node's log check passes, it answers as a member, and its applied index is within
 * {@code catch_up_lag_entries} of the highest commit index the cluster reports.
 *
 * <p>Settings ({@code strategies.log_corruption} in the config file):
 * <ul>
 *   <li>{@code catch_up_lag_entries} (default {@value ProcessCrashStrategy#DEFAULT_CATCH_UP_LAG_ENTRIES}): Consul
 *       autopilot's {@code MaxTrailingLogs} default, the lag at which a server still counts as healthy.</li>
 * </ul>
 *
 * <p>Thread-safe and stateless; subclass it and override {@link #resetLog} or {@link #fullStateSync} to change one
 * rung.
 */
public class LogCorruptionStrategy extends LadderStrategy {

    /** The strategy's name in the registry and the config file. */
    public static final String NAME = "log_corruption";

    private final LogCorruptionSettings tuning;
    private final LogCorruptionDetector detector = new LogCorruptionDetector();

    /**
     * @param settings tuning from the config file
     * @throws SettingsException if a setting is unknown or not valid, naming its key
     */
    public LogCorruptionStrategy(Settings settings) {
        super(NAME, FailureType.LOG_CORRUPTION, settings);
        this.tuning = LogCorruptionSettings.from(settings);
        rung("reset_log", "recover_log_corruption", this::resetLog);
        rung("full_state_sync", "full_state_sync_on_corrupt_log", this::fullStateSync);
    }

    /** With the default settings. */
    public LogCorruptionStrategy() {
        this(Settings.EMPTY);
    }

    @Override
    protected List<Failure> detect(ClusterSnapshot snapshot, ClusterHistory history) {
        return detector.detect(snapshot, history);
    }

    /**
     * Rung 0: stop the node, move its log aside, reset it and start the node as a follower that the leader
     * refills.
     */
    protected RungResult resetLog(Failure failure, RecoveryContext context) {
        return repair(failure, context, "log corrupt: reset it and refill it from the leader", false);
    }

    /** Rung 1: as {@link #resetLog}, and the database is moved aside and reset too. */
    protected RungResult fullStateSync(Failure failure, RecoveryContext context) {
        return repair(failure, context, "log still corrupt: full state sync from the leader", true);
    }

    private static RungResult repair(Failure failure, RecoveryContext context, String reason, boolean database) {
        Optional<RungResult> unreachable = OfflineRepair.unreachableWhenStopped(failure.nodes(), context);
        if (unreachable.isPresent()) {
            return unreachable.get();
        }
        List<String> details = new ArrayList<>();
        for (NodeId node : failure.nodes()) {
            OfflineRepair repair = new OfflineRepair(context, node, reason + " ("
                    + failure.evidence().getOrDefault("log_check", failure.evidence().getOrDefault("last_log_check",
                    "corrupt")) + ")");
            if (!repair.stopFor(new Action.Reset(node, Action.Artifact.LOG))) {
                return repair.abort("stop");
            }
            if (!repair.moveAsideAndReset(Action.Artifact.LOG)) {
                return repair.abort("moving aside and resetting the log");
            }
            if (database && !repair.moveAsideAndReset(Action.Artifact.DATABASE)) {
                return repair.abort("moving aside and resetting the database");
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
     * Resolved when every affected node passes its log check, answers as a member and has caught up to within
     * {@code catch_up_lag_entries} of the cluster's commit index.
     */
    @Override
    public boolean isResolved(Failure failure, ClusterSnapshot now, ClusterHistory history) {
        long clusterCommit = NodeSignals.clusterCommitIndex(now);
        for (NodeId node : failure.nodes()) {
            NodeStatus status = now.status(node).orElse(null);
            if (status == null || status.log().status() != IntegrityCheck.Status.OK || !NodeSignals.isMember(status)
                    || !NodeSignals.caughtUp(status, clusterCommit, tuning.catchUpLagEntries())) {
                return false;
            }
        }
        return true;
    }

    /** The lag, in log entries, within which a repaired node counts as caught up. */
    public long catchUpLagEntries() {
        return tuning.catchUpLagEntries();
    }
}
