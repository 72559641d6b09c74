package org.distributedtesting.recovery.strategies.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.JournalRecord;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.RecoveryStrategy;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.core.RecoveryEngine;
import org.distributedtesting.recovery.core.journal.InMemoryJournal;
import org.distributedtesting.recovery.core.sim.FaultOutcome;
import org.distributedtesting.recovery.core.sim.Scenario;
import org.distributedtesting.recovery.core.sim.ScenarioResult;
import org.distributedtesting.recovery.core.sim.SimulatedCluster;
import org.distributedtesting.recovery.strategies.BuiltInStrategies;
import org.distributedtesting.recovery.strategies.NetworkPartitionStrategy;
import org.distributedtesting.recovery.strategies.TermDivergenceStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The built-in term-divergence strategy on the simulated cluster, through the unmodified engine, among all the
 * built-in strategies.
 */
class SimulatedTermDivergenceTest {

    private static List<RecoveryStrategy> builtIns() {
        return new BuiltInStrategies().strategies(name -> Settings.EMPTY);
    }

    private static List<String> actions(List<JournalRecord> journal) {
        return journal.stream().map(JournalRecord::action).toList();
    }

    @ParameterizedTest
    @CsvSource({"3,1", "3,2", "3,3", "3,4", "3,5", "5,1", "5,2", "5,3", "5,4", "5,5"})
    void aNodeCampaigningInALoopIsPausedTermsConvergeAndItsElectionsResumeWithoutARestart(int nodes, long seed)
            throws Exception {
        Scenario scenario = Scenario.builder().nodes(nodes).seed(seed).inject(FailureType.TERM_DIVERGENCE)
                .strategies(builtIns()).build();

        ScenarioResult result = scenario.run();

        assertThat(result.passed()).as(String.join("\n", result.trace())).isTrue();
        FaultOutcome loop = result.faults().get(0);
        assertThat(loop.rungs()).contains("pause_disruptive_node"); // resume_elections follows later: see the journal
        // more than 5 own elections at two a second, after the first timeout of up to 2 s, then 2 more cycles
        assertThat(loop.timeToDetect().orElseThrow()).isBetween(3_000L, 9_000L);
        List<String> actions = actions(result.journal());
        assertThat(actions).containsSubsequence("failure_detected", "pause_elections", "recovery_verified",
                "resume_elections", "recovery_verified");
        assertThat(actions).contains(TermDivergenceStrategy.RUNG_ACTION)
                .as("the majority is never raised to the term one cut-off node reached: one election at the"
                        + " reconnection settles it").doesNotContain("raise_term")
                .doesNotContain("stop_node", "restart_node", "start_node", "step_down_leader");
        Set<Long> terms = new java.util.HashSet<>();
        for (NodeSpec spec : scenario.cluster().nodeSpecs()) {
            NodeStatus status = scenario.cluster().probe().probe(spec, Duration.ofSeconds(2));
            assertThat(status.electionsPaused()).as(spec.id() + " elections paused").isFalse();
            terms.add(status.term());
        }
        assertThat(terms).as("every node on one term").hasSize(1);
    }

    @ParameterizedTest
    @CsvSource({"3,1", "5,2"})
    void aCampaignerThatStaysCutOffStaysPausedAndTheMajorityKeepsItsTerm(int nodes, long seed) throws Exception {
        Scenario scenario = Scenario.builder().nodes(nodes).seed(seed).inject(FailureType.TERM_DIVERGENCE)
                .permanent(true).maxDuration(Duration.ofMinutes(5)).strategies(builtIns()).build();

        ScenarioResult result = scenario.run();

        String trace = String.join("\n", result.trace());
        FaultOutcome loop = result.faults().get(0);
        assertThat(loop.recovered()).as(trace).isTrue();
        assertThat(result.violations()).isEmpty();
        assertThat(loop.rungs()).endsWith("pause_disruptive_node");
        assertThat(actions(result.journal())).containsSubsequence("pause_elections", "recovery_verified")
                .doesNotContain("raise_term", "resume_elections", "stop_node", "restart_node", "start_node",
                        "demote_to_non_voter");
        NodeId cutOff = loop.nodes().get(0);
        Map<NodeId, Long> terms = new java.util.HashMap<>();
        for (NodeSpec spec : scenario.cluster().nodeSpecs()) {
            terms.put(spec.id(), scenario.cluster().probe().probe(spec, Duration.ofSeconds(2)).term());
        }
        long majorityTerm = terms.entrySet().stream().filter(e -> !e.getKey().equals(cutOff))
                .mapToLong(Map.Entry::getValue).max().orElseThrow();
        assertThat(terms.get(cutOff)).as("the cut-off node's term, which no other node was raised to: %s", terms)
                .isGreaterThan(majorityTerm);
        // the cut-off itself is a permanent partition: waited out, then escalated instead of looping
        assertThat(result.journal()).filteredOn(r -> r.action().equals("recovery_escalated")).as(trace)
                .singleElement().satisfies(r -> assertThat(r.details())
                        .containsEntry("failure_id", "network_partition:" + cutOff.value()));
        NodeSpec spec = scenario.cluster().nodeSpecs().stream().filter(s -> s.id().equals(cutOff)).findFirst()
                .orElseThrow();
        assertThat(scenario.cluster().probe().probe(spec, Duration.ofSeconds(2)).electionsPaused())
                .as("a node its peers cannot reach is not let campaign again").isTrue();
    }

    @Test
    void aLaggingNodeThatRefusesEveryActionClimbsToRerunTheElectionThenEscalatesInsteadOfLooping() {
        SimulatedCluster cluster = SimulatedCluster.builder().nodes(3).seed(11).build();
        InMemoryJournal journal = new InMemoryJournal();
        NodeId leader = cluster.awaitLeader(Duration.ofSeconds(30)).orElseThrow();
        List<NodeId> followers = cluster.nodeIds().stream().filter(n -> !n.equals(leader)).toList();
        NodeId cutOff = followers.get(0);
        int actionsAtEscalation;
        try (RecoveryEngine engine = cluster.engine().strategies(builtIns()).journal(journal).build()) {
            // Given a follower cut off from its peers (the monitor still reaches it) that refuses every action,
            // and an election among the others that leaves it behind
            cluster.partition(Set.of(cutOff), Set.of(leader, followers.get(1)));
            cluster.faults().refuseActions(cutOff);
            cluster.faults().termJump(followers.get(1), 1);
            // When the engine runs until it gives up, and a while longer
            int cycle = 0;
            while (cycle++ < 600 && journal.records("recovery_escalated").isEmpty()) {
                cycle(cluster, engine);
            }
            actionsAtEscalation = countActions(journal);
            for (int i = 0; i < 120; i++) {
                cycle(cluster, engine);
            }
            assertThat(engine.quarantined()).containsExactly(cutOff);
        }
        // Then the cut-off was first seen as a partition and waited on, until the term divergence, settled first,
        // took the node over
        assertThat(journal.records(NetworkPartitionStrategy.WAIT_ACTION)).as(describe(journal)).isNotEmpty().first()
                .satisfies(r -> assertThat(r.details()).containsEntry("attempt", 1).containsEntry("outcome", "acted"));
        assertThat(journal.records("recovery_preempted")).isNotEmpty()
                .allSatisfy(r -> assertThat(r.details()).containsEntry("failure_id", "network_partition:" + cutOff)
                        .containsEntry("preempted_by", "term_divergence:" + cutOff));
        // and the ladder climbed from the raise to re-running the election, which repeated until the budget of
        // max_restart_attempts for this failure type was spent (the partition's wait has a budget of its own)
        List<JournalRecord> rungs = journal.records(TermDivergenceStrategy.RUNG_ACTION).stream()
                .filter(r -> !"skipped".equals(r.details().get("outcome"))).toList();
        assertThat(rungs).extracting(r -> r.details().get("rung")).as(describe(journal))
                .containsExactly("raise_lagging_terms", "rerun_election", "rerun_election", "rerun_election",
                        "rerun_election");
        assertThat(rungs).extracting(r -> r.details().get("attempt")).containsExactly(1, 2, 3, 4, 5);
        assertThat(actions(journal.records())).containsSubsequence("raise_term", "step_down_leader",
                "recovery_rung_failed", "recovery_escalated", "node_quarantined");
        assertThat(journal.records("node_quarantined")).singleElement()
                .satisfies(r -> assertThat(r.details()).containsEntry("node_id", cutOff.value()));
        assertThat(countActions(journal)).as("no action after the escalation").isEqualTo(actionsAtEscalation);
        assertThat(cluster.invariants().violations()).isEmpty();
    }

    private static void cycle(SimulatedCluster cluster, RecoveryEngine engine) {
        for (int w = 0; w < 5; w++) {
            cluster.write("v" + cluster.clock().millis());
            cluster.advance(Duration.ofMillis(200));
        }
        engine.runCycle();
    }

    private static int countActions(InMemoryJournal journal) {
        Set<String> actions = Set.of("raise_term", "step_down_leader", "pause_elections", "resume_elections");
        return (int) journal.records().stream().filter(r -> actions.contains(r.action())).count();
    }

    private static String describe(InMemoryJournal journal) {
        return journal.records().stream().map(r -> r.action() + " " + r.details()).collect(Collectors.joining("\n"));
    }
}
