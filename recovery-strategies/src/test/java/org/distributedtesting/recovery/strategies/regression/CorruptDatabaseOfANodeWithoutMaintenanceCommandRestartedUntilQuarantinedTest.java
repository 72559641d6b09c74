package org.distributedtesting.recovery.strategies.regression;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.NodeControl;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.RecoveryEvent;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.core.RecoveryEngine;
import org.distributedtesting.recovery.core.journal.InMemoryJournal;
import org.distributedtesting.recovery.core.sim.SimulatedCluster;
import org.distributedtesting.recovery.strategies.BuiltInStrategies;
import org.junit.jupiter.api.Test;

/**
 * Symptom: a supervised node without a {@code maintenance_command} had a corrupt database. The daemon stopped it,
 * sent {@code move_aside} to its now closed port ("connection refused"), started it again on the corrupt data, five
 * times, and quarantined it with "max_restart_attempts reached": the repair could never have worked, and nothing
 * said why. A node whose data nothing reaches while it is stopped is not stopped; the ladder escalates at once with
 * that reason, in the journal and in the event the timeline prints.
 */
class CorruptDatabaseOfANodeWithoutMaintenanceCommandRestartedUntilQuarantinedTest {

    /** The simulated cluster's control, with the data of one node out of reach while it is stopped. */
    private record NoMaintenanceCommand(NodeControl control, NodeId node) implements NodeControl {
        @Override
        public ActionResult execute(Action action) throws Exception {
            return control.execute(action);
        }

        @Override
        public boolean changesDataWhileStopped(NodeId id) {
            return !id.equals(node);
        }
    }

    @Test
    void theRepairIsEscalatedAtOnceWithTheReasonWithoutStoppingTheNode() {
        // Given a cluster with a leader, and a follower whose database is corrupt
        SimulatedCluster cluster = SimulatedCluster.builder().nodes(3).seed(7).build();
        NodeId leader = cluster.awaitLeader(Duration.ofSeconds(30)).orElseThrow();
        NodeId node = cluster.nodeIds().stream().filter(n -> !n.equals(leader)).findFirst().orElseThrow();
        cluster.advance(Duration.ofSeconds(3));
        cluster.faults().corruptDatabase(node);
        InMemoryJournal journal = new InMemoryJournal();
        List<RecoveryEvent.Escalated> escalated = new ArrayList<>();

        // When the engine runs for a minute
        try (RecoveryEngine engine = cluster.engine().control(new NoMaintenanceCommand(cluster.control(), node))
                .strategies(new BuiltInStrategies().strategies(n -> Settings.EMPTY)).journal(journal)
                .listener(e -> {
                    if (e instanceof RecoveryEvent.Escalated esc) {
                        escalated.add(esc);
                    }
                }).build()) {
            for (int cycle = 0; cycle < 60; cycle++) {
                cluster.advance(Duration.ofSeconds(1));
                engine.runCycle();
            }
            assertThat(engine.quarantined()).containsExactly(node);
        }

        // Then it was never stopped, and the escalation says why
        assertThat(journal.records("stop_node")).isEmpty();
        assertThat(journal.records("recovery_escalated")).singleElement().satisfies(r -> assertThat(r.details())
                .containsEntry("failure_id", "database_corruption:" + node.value())
                .hasEntrySatisfying("why", why -> assertThat((String) why)
                        .contains("cannot repair the data of a stopped node without maintenance_command")));
        assertThat(escalated).singleElement().satisfies(e -> assertThat(e.reason())
                .contains("cannot repair the data of a stopped node without maintenance_command"));
    }
}
