package org.distributedtesting.recovery.strategies;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.distributedtesting.recovery.ClusterHistory;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.FailureDetector;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.NodeObservation;
import org.distributedtesting.recovery.ProcessStatus;
import org.distributedtesting.recovery.Severity;

/**
 * The detector of {@link ProcessCrashStrategy}: a node does not answer and its supervisor reports its process dead.
 * A node that fails to start on its corrupt log is left to {@link LogCorruptionDetector}, since restarting it would
 * only fail again. A node whose supervisor reports it {@linkplain ProcessStatus#neverStarted() never started} has not
 * crashed: the engine starts it as a start ({@code node_started}), not a recovery. No threshold and no damping: a
 * process its supervisor saw end is certain evidence, which the engine confirms in the first cycle that sees it.
 *
 * <p>Stateless and thread-safe.
 */
final class ProcessCrashDetector implements FailureDetector {

    @Override
    public List<Failure> detect(ClusterSnapshot snapshot, ClusterHistory history) {
        List<Failure> failures = new ArrayList<>();
        boolean quorumAtRisk = snapshot.reachable().size() < snapshot.quorum();
        for (NodeObservation observation : snapshot.observations().values()) {
            if (observation instanceof NodeObservation.Unreachable down && down.process().isDead()
                    && !down.process().neverStarted() && !NodeSignals.failsToStartOnDamagedData(down, history)) {
                ProcessStatus process = down.process();
                Map<String, Object> evidence = new LinkedHashMap<>();
                evidence.put("reachable", false);
                evidence.put("probe_error", down.reason());
                evidence.put("process", process.detail());
                process.pid().ifPresent(pid -> evidence.put("pid", pid));
                process.exitCode().ifPresent(code -> evidence.put("exit_code", code));
                failures.add(Failure.of(FailureType.PROCESS_CRASH, List.of(down.node()),
                        quorumAtRisk ? Severity.HIGH : Severity.MEDIUM, "'" + down.node() + "' does not answer ("
                                + down.reason() + ") and its process is dead (" + process.detail() + ")", evidence));
            }
        }
        return failures;
    }
}
