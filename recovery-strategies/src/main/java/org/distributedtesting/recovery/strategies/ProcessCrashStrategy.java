package org.distributedtesting.recovery.strategies;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.ClusterHistory;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeObservation;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.ProcessStatus;
import org.distributedtesting.recovery.RecoveryContext;
import org.distributedtesting.recovery.Role;
import org.distributedtesting.recovery.RungResult;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.Severity;
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

    private final long catchUpLag;

    /**
     * @param settings tuning from the config file
     * @throws IllegalArgumentException if a setting is not valid
     */
    public ProcessCrashStrategy(Settings settings) {
        super(NAME, FailureType.PROCESS_CRASH, settings);
        this.catchUpLag = settings.getLong("catch_up_lag_entries", DEFAULT_CATCH_UP_LAG_ENTRIES);
        if (catchUpLag < 0) {
            throw new IllegalArgumentException("strategies.process_crash.catch_up_lag_entries must be >= 0, but was "
                    + catchUpLag);
        }
        rung("restart", this::restart);
    }

    /** With the default settings. */
    public ProcessCrashStrategy() {
        this(Settings.EMPTY);
    }

    @Override
    protected List<Failure> detect(ClusterSnapshot snapshot, ClusterHistory history) {
        List<Failure> failures = new ArrayList<>();
        boolean quorumAtRisk = snapshot.reachable().size() < snapshot.quorum();
        for (NodeObservation observation : snapshot.observations().values()) {
            if (observation instanceof NodeObservation.Unreachable down && down.process().isDead()
                    && !NodeSignals.failsToStartOnCorruptLog(down, history)) {
                ProcessStatus process = down.process();
                Map<String, Object> evidence = new LinkedHashMap<>();
                evidence.put("reachable", false);
                evidence.put("probe_error", down.reason());
                evidence.put("process", process.detail());
                process.pid().ifPresent(pid -> evidence.put("pid", pid));
                process.exitCode().ifPresent(code -> evidence.put("exit_code", code));
                failures.add(Failure.of(type(), List.of(down.node()), quorumAtRisk ? Severity.HIGH : Severity.MEDIUM,
                        "'" + down.node() + "' does not answer (" + down.reason() + ") and its process is dead ("
                                + process.detail() + ")", evidence));
            }
        }
        return failures;
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
        long clusterCommit = now.observations().values().stream()
                .flatMap(o -> o.reported().stream())
                .mapToLong(NodeStatus::commitIndex).max().orElse(-1);
        for (NodeId node : failure.nodes()) {
            NodeStatus status = now.status(node).orElse(null);
            if (status == null || !rejoined(status)) {
                return false;
            }
            if (clusterCommit >= 0 && status.appliedIndex() < clusterCommit - catchUpLag) {
                return false;
            }
        }
        return true;
    }

    private static boolean rejoined(NodeStatus status) {
        return status.role() == Role.FOLLOWER || status.role() == Role.LEADER || status.role() == Role.LEARNER;
    }

    /** The lag, in log entries, within which a restarted node counts as caught up. */
    public long catchUpLagEntries() {
        return catchUpLag;
    }
}
