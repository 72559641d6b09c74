package org.distributedtesting.recovery.strategies;

import java.util.ArrayList;
import java.util.List;
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

/**
 * Process crash: a node does not answer AND its supervisor reports its process dead. (Unreachable with the process
 * alive is a partition, not a crash, and is left to the partition strategy. A node whose process ended by itself with
 * an error exit code while the last answer it gave had a failed log check does not start on its corrupt log: it is
 * left to {@link LogCorruptionStrategy}, since restarting it would only fail again.) The engine confirms the failure
 * over {@code confirmations} cycles before the ladder runs.
 *
 * <p>Ladder: {@code restart} the process through the supervisor. The engine repeats the rung with exponential
 * backoff while verification fails, and quarantines the node with an alert once {@code max_restart_attempts} are
 * spent. Verified when the node answers again as a follower (or leader) and has caught up: its applied index is
 * within {@code catch_up_lag_entries} of the highest commit index the cluster reports.
 *
 * <p>Settings ({@code strategies.process_crash} in the config file):
 * <ul>
 *   <li>{@code catch_up_lag_entries} (default {@value #DEFAULT_CATCH_UP_LAG_ENTRIES}): Consul autopilot's
 *       {@code MaxTrailingLogs} default, the lag at which a server still counts as healthy.</li>
 * </ul>
 *
 * <p>Thread-safe and stateless; subclass it and override {@link #restart} to change the rung.
 */
public class ProcessCrashStrategy extends LadderStrategy {

    /** The strategy's name in the registry and the config file. */
    public static final String NAME = "process_crash";

    /** Consul autopilot's {@code MaxTrailingLogs} default. */
    public static final long DEFAULT_CATCH_UP_LAG_ENTRIES = 250;

    private final ProcessCrashSettings tuning;
    private final ProcessCrashDetector detector = new ProcessCrashDetector();

    /**
     * @param settings tuning from the config file
     * @throws SettingsException if a setting is unknown or not valid, naming its key
     */
    public ProcessCrashStrategy(Settings settings) {
        super(NAME, FailureType.PROCESS_CRASH, settings);
        this.tuning = ProcessCrashSettings.from(settings);
        rung("restart", this::restart);
    }

    /** With the default settings. */
    public ProcessCrashStrategy() {
        this(Settings.EMPTY);
    }

    @Override
    protected List<Failure> detect(ClusterSnapshot snapshot, ClusterHistory history) {
        return detector.detect(snapshot, history);
    }

    /**
     * Rung 0: restart the node's process through the supervisor.
     *
     * @return acted when the process was started; failed when the start failed or a guard refused it
     */
    protected RungResult restart(Failure failure, RecoveryContext context) {
        List<String> done = new ArrayList<>();
        for (NodeId node : failure.nodes()) {
            String reason = "process crashed: " + failure.evidence().getOrDefault("process", "dead");
            ActionResult result = context.perform(new Action.Restart(node), reason);
            if (!result.succeeded()) {
                return RungResult.failed("restart of '" + node + "' " + result.detail());
            }
            done.add(result.detail());
        }
        return RungResult.acted(String.join("; ", done));
    }

    /** Resolved when every affected node answers as a follower or leader and has caught up. */
    @Override
    public boolean isResolved(Failure failure, ClusterSnapshot now, ClusterHistory history) {
        long clusterCommit = NodeSignals.clusterCommitIndex(now);
        for (NodeId node : failure.nodes()) {
            NodeStatus status = now.status(node).orElse(null);
            if (status == null || !NodeSignals.isMember(status)
                    || !NodeSignals.caughtUp(status, clusterCommit, tuning.catchUpLagEntries())) {
                return false;
            }
        }
        return true;
    }

    /** The lag, in log entries, within which a restarted node counts as caught up. */
    public long catchUpLagEntries() {
        return tuning.catchUpLagEntries();
    }
}
