package org.distributedtesting.recovery.strategies.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.JournalRecord;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.RecoveryContext;
import org.distributedtesting.recovery.RecoveryEvent;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.RecoveryStrategy;
import org.distributedtesting.recovery.RungResult;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.core.CycleReport;
import org.distributedtesting.recovery.core.RecoveryEngine;
import org.distributedtesting.recovery.core.journal.InMemoryJournal;
import org.distributedtesting.recovery.core.sim.FaultOutcome;
import org.distributedtesting.recovery.core.sim.InvariantChecker;
import org.distributedtesting.recovery.core.sim.Scenario;
import org.distributedtesting.recovery.core.sim.ScenarioResult;
import org.distributedtesting.recovery.core.sim.SimulatedCluster;
import org.distributedtesting.recovery.strategies.BuiltInStrategies;
import org.distributedtesting.recovery.strategies.StateDivergenceStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The built-in state-divergence strategy on the simulated cluster, through the unmodified engine, among all the
 * built-in strategies.
 */
class SimulatedStateDivergenceTest {

    private static List<RecoveryStrategy> builtIns() {
        return new BuiltInStrategies().strategies(name -> Settings.EMPTY);
    }

    @SuppressWarnings("unchecked")
    @ParameterizedTest
    @CsvSource({"3,1", "3,2", "3,3", "3,4", "3,5", "5,1", "5,2", "5,3", "5,4", "5,5"})
    void aNodeThatAppliedAWrongResultGetsTheMajoritysStateBack(int nodes, long seed) {
        ScenarioResult result = Scenario.builder().nodes(nodes).seed(seed).inject(FailureType.STATE_DIVERGENCE)
                .strategies(builtIns()).build().run();

        assertThat(result.passed()).as(String.join("\n", result.trace())).isTrue();
        FaultOutcome divergence = result.faults().get(0);
        assertThat(divergence.rungs()).containsExactly("transfer_state");
        // the next checkpoint (16 entries at 5 writes/s: at most 3.2 s), then damping over 2 more cycles
        assertThat(divergence.timeToDetect().orElseThrow()).isBetween(2_000L, 7_000L);
        assertThat(result.journal()).extracting(JournalRecord::action).containsSubsequence("failure_detected",
                "stop_node", "move_aside_database", "restore_database", "start_node",
                StateDivergenceStrategy.RUNG_ACTION, "recovery_verified");
        NodeId diverged = divergence.nodes().get(0);
        assertThat(result.journal()).filteredOn(r -> r.action().equals("restore_database")).singleElement()
                .satisfies(r -> {
                    assertThat(r.details()).containsEntry("node_id", diverged.value());
                    assertThat((List<Object>) evidence(r).get("majority")).contains(r.details().get("source"))
                            .doesNotContain(diverged.value());
                });
    }

    @SuppressWarnings("unchecked")
    @Test
    void whenTheLeaderComputedTheWrongResultItsFollowersMajorityIsAuthoritative() {
        // Given a leader that applies one command wrongly, and a checker told to expect that until it is recovered
        SimulatedCluster cluster = SimulatedCluster.builder().nodes(5).seed(23).build();
        NodeId leader = cluster.awaitLeader(Duration.ofSeconds(30)).orElseThrow();
        cluster.invariants().exemptNode(leader, "applies a wrong result on purpose until recovered");
        InMemoryJournal journal = new InMemoryJournal();
        try (RecoveryEngine engine = cluster.engine().strategies(builtIns()).journal(journal)
                .listener(event -> {
                    if (event instanceof RecoveryEvent.RecoveryVerified v && v.failure().affects(leader)) {
                        cluster.invariants().clearExemption(leader);
                    }
                }).build()) {
            cluster.faults().wrongApply(leader, 1);
            // When the engine runs while clients keep writing
            for (int cycle = 0; cycle < 40 && journal.records("recovery_verified").isEmpty(); cycle++) {
                cycle(cluster, engine);
            }
            for (int cycle = 0; cycle < 20; cycle++) {
                cycle(cluster, engine);
            }
        }
        // Then the leader's state was replaced from a follower, and every invariant holds
        assertThat(journal.records("recovery_verified")).as(describe(journal)).singleElement()
                .satisfies(r -> assertThat(r.details()).containsEntry("failure_id", "state_divergence:" + leader));
        assertThat(journal.records("restore_database")).singleElement().satisfies(r -> {
            assertThat(r.details()).containsEntry("node_id", leader.value()).containsEntry("outcome", "done");
            assertThat(r.details().get("source")).isNotEqualTo(leader.value());
            assertThat((List<Object>) evidence(r).get("majority")).hasSize(4).contains(r.details().get("source"));
        });
        assertThat(cluster.invariants().violations()).as(cluster.invariants().report()).isEmpty();
        assertThat(cluster.invariants().report()).doesNotContain(InvariantChecker.SUSPECT_SOURCE);
        assertThat(cluster.view(leader).stateChecksum()).isEqualTo(cluster.view(otherThan(cluster, leader))
                .stateChecksum());
    }

    @Test
    void whenTheStateTransferDoesNotHelpTheLadderClimbsToAFullResync() {
        // Given a host whose state transfer does nothing (an override of the first rung) and a short verification
        StateDivergenceStrategy noTransfer = new StateDivergenceStrategy() {
            @Override
            protected RungResult transferState(Failure failure, RecoveryContext context) {
                return RungResult.acted("pretended to transfer the state");
            }
        };
        RecoveryOptions options = RecoveryOptions.builder().verifyTimeout(Duration.ofSeconds(10)).build();

        // When a node diverges
        ScenarioResult result = Scenario.builder().nodes(3).seed(7).inject(FailureType.STATE_DIVERGENCE)
                .strategies(List.of(noTransfer)).options(options).build().run();

        // Then the full resync restored its database and reset its log, after backing both up
        assertThat(result.passed()).as(String.join("\n", result.trace())).isTrue();
        assertThat(result.faults().get(0).rungs()).containsExactly("transfer_state", "full_resync");
        assertThat(result.journal()).extracting(JournalRecord::action).containsSubsequence("recovery_rung_failed",
                "stop_node", "move_aside_database", "restore_database", "move_aside_log", "reset_log", "start_node",
                "recovery_verified");
    }

    @Test
    void withoutAMajorityThereIsNoSafeSourceAndTheEngineEscalatesWithoutTouchingAnyData() {
        // Given three nodes, one of them down, and one of the two others computing a wrong result
        SimulatedCluster cluster = SimulatedCluster.builder().nodes(3).seed(5).build();
        NodeId leader = cluster.awaitLeader(Duration.ofSeconds(30)).orElseThrow();
        List<NodeId> followers = cluster.nodeIds().stream().filter(n -> !n.equals(leader)).toList();
        cluster.invariants().exemptNode(followers.get(1), "applies a wrong result on purpose");
        InMemoryJournal journal = new InMemoryJournal();
        try (RecoveryEngine engine = cluster.engine().strategies(List.of(new StateDivergenceStrategy()))
                .journal(journal).build()) {
            cluster.crash(followers.get(0));
            cluster.faults().wrongApply(followers.get(1), 1);
            // When the engine runs
            for (int cycle = 0; cycle < 30; cycle++) {
                cycle(cluster, engine);
            }
        }
        // Then both disagreeing nodes are reported together, nothing is copied, and the engine escalates
        assertThat(journal.records("failure_detected")).as(describe(journal)).singleElement()
                .satisfies(r -> assertThat(evidence(r)).containsEntry("authoritative_checksum", "none"));
        assertThat(journal.records()).extracting(JournalRecord::action)
                .doesNotContain("stop_node", "restore_database", "reset_log")
                .containsSubsequence("recovery_escalated", "node_quarantined", "node_quarantined");
    }

    @Test
    void whileTheQuorumBudgetForbidsStoppingTheNodeTheRungWaitsWithoutSpendingAttemptsThenRecoversOnceItMay() {
        SimulatedCluster cluster = SimulatedCluster.builder().nodes(3).seed(13).build();
        NodeId leader = cluster.awaitLeader(Duration.ofSeconds(30)).orElseThrow();
        List<NodeId> followers = cluster.nodeIds().stream().filter(n -> !n.equals(leader)).toList();
        NodeId diverged = followers.get(0);
        NodeId crashed = followers.get(1);
        cluster.invariants().exemptNode(diverged, "applies a wrong result on purpose until recovered");
        InMemoryJournal journal = new InMemoryJournal();
        try (RecoveryEngine engine = cluster.engine().strategies(List.of(new StateDivergenceStrategy()))
                .journal(journal).build()) {
            // Given a follower that diverged, seen by the engine while all three nodes reported the checkpoint,
            cluster.faults().wrongApply(diverged, 1);
            boolean seen = false;
            for (int cycle = 0; cycle < 30 && !seen; cycle++) {
                seen = !cycle(cluster, engine, true).detected().isEmpty();
            }
            assertThat(seen).isTrue();
            // and then the other follower down, so that stopping the diverged one would cost the majority
            cluster.crash(crashed);
            // When the engine runs for half a minute (no more writes: the index stays)
            for (int cycle = 0; cycle < 30; cycle++) {
                cycle(cluster, engine, false);
            }
            // Then every try was held back by the quorum guard: no attempt spent, no climb, no data touched
            List<String> held = journal.records(StateDivergenceStrategy.RUNG_ACTION).stream()
                    .map(r -> r.details().get("rung") + ":" + r.details().get("outcome")).distinct().toList();
            assertThat(held).as(describe(journal)).containsExactly("transfer_state:deferred");
            assertThat(journal.records(StateDivergenceStrategy.RUNG_ACTION)).as("retried every backoff_initial")
                    .hasSizeGreaterThanOrEqualTo(3);
            assertThat(journal.records("stop_node")).as("asked before stopping: nothing was stopped").isEmpty();
            assertThat(journal.records(StateDivergenceStrategy.RUNG_ACTION))
                    .allSatisfy(r -> assertThat(r.details().get("detail").toString())
                            .contains("refused by quorum_budget").endsWith("nothing was stopped"));
            assertThat(journal.records()).extracting(JournalRecord::action)
                    .doesNotContain("recovery_rung_failed", "recovery_escalated", "move_aside_database",
                            "restore_database");
            assertThat(cluster.view(diverged).alive()).isTrue();

            // When the crashed follower is back
            cluster.start(crashed);
            for (int cycle = 0; cycle < 30 && journal.records("recovery_verified").isEmpty(); cycle++) {
                cycle(cluster, engine, false);
            }
        }
        // Then the first rung ran at once and recovered the node
        assertThat(journal.records("recovery_verified")).as(describe(journal)).singleElement()
                .satisfies(r -> assertThat(r.details()).containsEntry("rung", "transfer_state")
                        .containsEntry("failure_id", "state_divergence:" + diverged.value()));
        assertThat(journal.records("restore_database")).singleElement()
                .satisfies(r -> assertThat(r.details()).containsEntry("node_id", diverged.value())
                        .containsEntry("outcome", "done"));
        assertThat(cluster.view(diverged).stateChecksum()).isEqualTo(cluster.view(leader).stateChecksum());
        assertThat(cluster.invariants().violations()).isEmpty();
    }

    @Test
    void whenTheNodeRefusesEveryActionTheLadderClimbsThenEscalatesInsteadOfLooping() {
        SimulatedCluster cluster = SimulatedCluster.builder().nodes(3).seed(13).build();
        NodeId leader = cluster.awaitLeader(Duration.ofSeconds(30)).orElseThrow();
        NodeId diverged = cluster.nodeIds().stream().filter(n -> !n.equals(leader)).findFirst().orElseThrow();
        cluster.invariants().exemptNode(diverged, "applies a wrong result on purpose");
        RecoveryOptions options = RecoveryOptions.builder().backoffInitial(Duration.ofSeconds(2))
                .backoffMax(Duration.ofSeconds(10)).build();
        InMemoryJournal journal = new InMemoryJournal();
        int actionsAtEscalation;
        try (RecoveryEngine engine = cluster.engine().strategies(builtIns()).options(options).journal(journal)
                .build()) {
            // Given a follower that diverged and refuses every action
            cluster.faults().wrongApply(diverged, 1);
            cluster.faults().refuseActions(diverged);
            // When the engine runs until it gives up, and a while longer
            for (int cycle = 0; cycle < 300 && journal.records("recovery_escalated").isEmpty(); cycle++) {
                cycle(cluster, engine);
            }
            actionsAtEscalation = countActions(journal);
            for (int cycle = 0; cycle < 120; cycle++) {
                cycle(cluster, engine);
            }
            assertThat(engine.quarantined()).containsExactly(diverged);
        }
        // Then the ladder climbed to the full resync, which repeated until the attempt budget was spent
        List<String> rungs = journal.records(StateDivergenceStrategy.RUNG_ACTION).stream()
                .map(r -> r.details().get("rung") + ":" + r.details().get("outcome")).toList();
        assertThat(rungs).as(describe(journal)).containsExactly("transfer_state:failed", "full_resync:failed",
                "full_resync:failed", "full_resync:failed", "full_resync:failed");
        assertThat(journal.records("stop_node")).hasSize(5)
                .allSatisfy(r -> assertThat(r.details()).containsEntry("outcome", "failed"));
        assertThat(journal.records("recovery_escalated")).singleElement()
                .satisfies(r -> assertThat(r.details()).containsEntry("failure_id",
                        "state_divergence:" + diverged.value()));
        assertThat(journal.records()).extracting(JournalRecord::action)
                .containsSubsequence("recovery_rung_failed", "recovery_escalated", "node_quarantined")
                .doesNotContain("restore_database", "reset_log");
        assertThat(countActions(journal)).as("no action after the escalation").isEqualTo(actionsAtEscalation);
        assertThat(cluster.invariants().violations()).isEmpty();
    }

    private static CycleReport cycle(SimulatedCluster cluster, RecoveryEngine engine) {
        return cycle(cluster, engine, true);
    }

    private static CycleReport cycle(SimulatedCluster cluster, RecoveryEngine engine, boolean writes) {
        for (int w = 0; w < 5; w++) {
            if (writes) {
                cluster.write("v" + cluster.clock().millis());
            }
            cluster.advance(Duration.ofMillis(200));
        }
        return engine.runCycle();
    }

    private static NodeId otherThan(SimulatedCluster cluster, NodeId node) {
        return cluster.nodeIds().stream().filter(n -> !n.equals(node)).findFirst().orElseThrow();
    }

    @SuppressWarnings("unchecked")
    private static java.util.Map<String, Object> evidence(JournalRecord record) {
        return (java.util.Map<String, Object>) record.details().get("evidence");
    }

    private static int countActions(InMemoryJournal journal) {
        Set<String> actions = Set.of("stop_node", "start_node", "move_aside_database", "restore_database",
                "move_aside_log", "reset_log");
        return (int) journal.records().stream().filter(r -> actions.contains(r.action())).count();
    }

    private static String describe(InMemoryJournal journal) {
        return journal.records().stream().map(r -> r.action() + " " + r.details()).collect(Collectors.joining("\n"));
    }
}
