package org.distributedtesting.recovery.core.supervise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ActionKind;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.IntegrityCheck;
import org.distributedtesting.recovery.NodeControl;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.ProcessStatus;
import org.junit.jupiter.api.Test;

/** The node's own check of its stopped data, for a process that ended by itself, in the node's status. */
class OfflineChecksTest {

    private static final NodeSpec NODE = new NodeSpec(NodeId.of("node-2"), "127.0.0.1", 7002, Path.of("/srv/n2"),
            List.of(), List.of("run-node"), List.of("repair-node", "{data_dir}"));

    private final List<Action> checks = new CopyOnWriteArrayList<>();

    private NodeControl checker(String logStatus) {
        return action -> {
            checks.add(action);
            return new ActionResult.Done("checked", Map.of(
                    "log", Map.of("status", logStatus, "detail", "segment 3 is corrupt after entry 142"),
                    "database", Map.of("status", "ok", "detail", "integrity_check ok")));
        };
    }

    @Test
    void aProcessThatEndedByItselfGetsItsDataCheckedOnceAndItsStatusCarriesTheVerdicts() {
        RecordingSupervisor local = new RecordingSupervisor(ProcessStatus.exited(4242, 1), ProcessStatus.alive(4243));
        try (OfflineChecks supervisor = new OfflineChecks(local, checker("failed"))) {
            // the first status starts the check; a later one carries its verdicts
            ProcessStatus first = supervisor.status(NODE);
            await().atMost(Duration.ofSeconds(5)).until(() -> supervisor.status(NODE).log().failed());
            ProcessStatus later = supervisor.status(NODE);
            supervisor.status(NODE);

            assertThat(first.log()).isEqualTo(IntegrityCheck.UNKNOWN);
            assertThat(later.log().detail()).isEqualTo("segment 3 is corrupt after entry 142");
            assertThat(later.database().status()).isEqualTo(IntegrityCheck.Status.OK);
            assertThat(later.exitCode()).hasValue(1);
            assertThat(checks).singleElement().satisfies(a -> {
                assertThat(a.kind()).isEqualTo(ActionKind.CHECK_DATA);
                assertThat(a.node()).isEqualTo(NODE.id());
            });
        }
    }

    @Test
    void aKilledProcessAndARunningOneAreNotChecked() throws Exception {
        RecordingSupervisor killed = new RecordingSupervisor(ProcessStatus.exited(4242, 137), ProcessStatus.alive(1));
        RecordingSupervisor running = new RecordingSupervisor(ProcessStatus.alive(4242), ProcessStatus.alive(1));
        try (OfflineChecks a = new OfflineChecks(killed, checker("failed"));
             OfflineChecks b = new OfflineChecks(running, checker("failed"))) {
            assertThat(a.status(NODE).log()).isEqualTo(IntegrityCheck.UNKNOWN);
            assertThat(b.status(NODE).log()).isEqualTo(IntegrityCheck.UNKNOWN);
            a.close();
            b.close();
            assertThat(checks).isEmpty();
        }
    }

    @Test
    void aNodeWithoutAMaintenanceCommandIsNotChecked() {
        NodeSpec plain = new NodeSpec(NodeId.of("node-3"), "127.0.0.1", 7003, Path.of("/srv/n3"), List.of(),
                List.of("run-node"));
        try (OfflineChecks supervisor = new OfflineChecks(
                new RecordingSupervisor(ProcessStatus.exited(1, 2), ProcessStatus.alive(2)), checker("failed"))) {
            assertThat(supervisor.status(plain).log()).isEqualTo(IntegrityCheck.UNKNOWN);
            assertThat(checks).isEmpty();
        }
    }
}
