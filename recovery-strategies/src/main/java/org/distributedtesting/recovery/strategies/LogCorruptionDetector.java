package org.distributedtesting.recovery.strategies;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.distributedtesting.recovery.ClusterHistory;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.FailureDetector;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeObservation;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.Severity;

/**
 * The detector of {@link LogCorruptionStrategy}: a node that answers and whose own log check failed, or a node that
 * does not start on its log (see {@link NodeSignals#failsToStartOnCorruptLog}). The verdict is the node's, so there
 * is no threshold.
 *
 * <p>Stateless and thread-safe.
 */
final class LogCorruptionDetector implements FailureDetector {

    @Override
    public List<Failure> detect(ClusterSnapshot snapshot, ClusterHistory history) {
        List<Failure> failures = new ArrayList<>();
        for (NodeObservation observation : snapshot.observations().values()) {
            NodeStatus status = observation.reported().orElse(null);
            if (status != null && status.log().failed()) {
                failures.add(corruptLog(observation.node(), status));
            } else if (observation instanceof NodeObservation.Unreachable down
                    && NodeSignals.failsToStartOnCorruptLog(down, history)) {
                failures.add(failsToStart(down, history));
            }
        }
        return failures;
    }

    private static Failure corruptLog(NodeId node, NodeStatus status) {
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("signal", "log_check_failed");
        evidence.put("log_check", status.log().detail());
        evidence.put("role", status.role().name().toLowerCase(Locale.ROOT));
        evidence.put("last_log_index", status.lastLogIndex());
        evidence.put("commit_index", status.commitIndex());
        evidence.put("applied_index", status.appliedIndex());
        return Failure.of(FailureType.LOG_CORRUPTION, List.of(node), Severity.HIGH,
                "'" + node + "' fails its log integrity check: " + status.log().detail(), evidence);
    }

    private static Failure failsToStart(NodeObservation.Unreachable down, ClusterHistory history) {
        String damage = NodeSignals.damageDetail(down, history, down.process().log(), NodeStatus::log);
        boolean offline = down.process().log().failed();
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("signal", "fails_to_start");
        evidence.put("reachable", false);
        evidence.put("probe_error", down.reason());
        evidence.put("process", down.process().detail());
        down.process().exitCode().ifPresent(code -> evidence.put("exit_code", code));
        evidence.put(offline ? "offline_log_check" : "last_log_check", damage);
        return Failure.of(FailureType.LOG_CORRUPTION, List.of(down.node()), Severity.HIGH,
                "'" + down.node() + "' does not start (" + down.process().detail() + ") and its log "
                        + (offline ? "fails its check on the stopped data: " : "last failed its check: ") + damage,
                evidence);
    }
}
