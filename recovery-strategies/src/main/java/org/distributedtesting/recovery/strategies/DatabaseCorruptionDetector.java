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
import org.distributedtesting.recovery.NodeObservation;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.Severity;

/**
 * The detector of {@link DatabaseCorruptionStrategy}: a node that answers and whose own database integrity check
 * failed. The verdict is the node's, so there is no threshold; the node's state checksum goes into the evidence.
 *
 * <p>Stateless and thread-safe.
 */
final class DatabaseCorruptionDetector implements FailureDetector {

    @Override
    public List<Failure> detect(ClusterSnapshot snapshot, ClusterHistory history) {
        List<Failure> failures = new ArrayList<>();
        for (NodeObservation observation : snapshot.observations().values()) {
            if (observation instanceof NodeObservation.Unreachable down
                    && NodeSignals.failsToStartOnCorruptDatabase(down, history)) {
                failures.add(failsToStart(down, history));
                continue;
            }
            NodeStatus status = observation.reported().orElse(null);
            if (status == null || !status.database().failed()) {
                continue;
            }
            Map<String, Object> evidence = new LinkedHashMap<>();
            evidence.put("database_check", status.database().detail());
            evidence.put("log_check", status.log().status().name().toLowerCase(Locale.ROOT));
            evidence.put("role", status.role().name().toLowerCase(Locale.ROOT));
            evidence.put("applied_index", status.appliedIndex());
            status.stateChecksum().ifPresent(c -> {
                evidence.put("state_checksum", c.value());
                evidence.put("state_checksum_index", c.index());
            });
            failures.add(Failure.of(FailureType.DATABASE_CORRUPTION, List.of(observation.node()), Severity.HIGH,
                    "'" + observation.node() + "' fails its database integrity check: " + status.database().detail(),
                    evidence));
        }
        return failures;
    }

    private static Failure failsToStart(NodeObservation.Unreachable down, ClusterHistory history) {
        String damage = NodeSignals.damageDetail(down, history, down.process().database(), NodeStatus::database);
        boolean offline = down.process().database().failed();
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("signal", "fails_to_start");
        evidence.put("reachable", false);
        evidence.put("probe_error", down.reason());
        evidence.put("process", down.process().detail());
        down.process().exitCode().ifPresent(code -> evidence.put("exit_code", code));
        evidence.put(offline ? "offline_database_check" : "last_database_check", damage);
        return Failure.of(FailureType.DATABASE_CORRUPTION, List.of(down.node()), Severity.HIGH,
                "'" + down.node() + "' does not start (" + down.process().detail() + ") and its database "
                        + (offline ? "fails its check on the stopped data: " : "last failed its check: ") + damage,
                evidence);
    }
}
