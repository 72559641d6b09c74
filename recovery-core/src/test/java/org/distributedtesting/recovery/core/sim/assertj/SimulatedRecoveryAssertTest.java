package org.distributedtesting.recovery.core.sim.assertj;

import static org.distributedtesting.recovery.core.sim.assertj.SimAssertions.assertThat;
import static org.distributedtesting.recovery.core.sim.assertj.SimAssertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.distributedtesting.recovery.ActionKind;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.core.CycleReport;
import org.distributedtesting.recovery.core.sim.SimulatedCluster;
import org.distributedtesting.recovery.core.sim.harness.SimulatedRecovery;
import org.distributedtesting.recovery.core.sim.harness.TinyCrashStrategy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SimulatedRecoveryAssertTest {

    private SimulatedCluster cluster;
    private NodeId leader;
    private NodeId follower;
    private SimulatedRecovery recovery;

    @BeforeEach
    void electALeader() {
        cluster = SimulatedCluster.builder().nodes(5).seed(9).build();
        leader = cluster.awaitLeader(Duration.ofSeconds(10)).orElseThrow();
        follower = cluster.nodeIds().stream().filter(n -> !n.equals(leader)).findFirst().orElseThrow();
    }

    @AfterEach
    void close() {
        if (recovery != null) {
            recovery.close();
        }
    }

    private SimulatedRecovery recovery(RecoveryOptions options) {
        recovery = SimulatedRecovery.of(cluster, List.of(new TinyCrashStrategy()), options);
        return recovery;
    }

    private SimulatedRecovery recoveredFromACrash() {
        cluster.crash(follower);
        recovery(RecoveryOptions.defaults()).runUntilHealthy(Duration.ofMinutes(5));
        return recovery;
    }

    @Test
    void aRecoveredCrashPassesTheJournalAndOutcomeAssertions() {
        SimulatedRecovery recovered = recoveredFromACrash();

        assertThat(recovered).journalContainsAction("restart_node")
                .journalContainsActionOnNode("restart_node", follower)
                .journalContainsActionOnNode("failure_detected", follower)
                .recovered(FailureType.PROCESS_CRASH)
                .recovered(FailureType.PROCESS_CRASH, follower)
                .cluster().hasSingleLeader().nodeIsUp(follower);
    }

    @Test
    void journalContainsActionFailsListingTheActionsThatAreThere() {
        SimulatedRecovery recovered = recoveredFromACrash();

        assertThatThrownBy(() -> assertThat(recovered).journalContainsAction("reset_log"))
                .isInstanceOf(AssertionError.class)
                .hasMessage("Expecting the journal to contain action 'reset_log', but it has 4 records: "
                        + "[failure_detected on [" + follower + "], restart_node on " + follower
                        + ", recovery_attempted on [" + follower + "], recovery_verified on [" + follower + "]]");
    }

    @Test
    void journalContainsActionOnNodeFailsForAnotherNode() {
        SimulatedRecovery recovered = recoveredFromACrash();

        assertThatThrownBy(() -> assertThat(recovered).journalContainsActionOnNode("restart_node", leader))
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("Expecting the journal to contain action 'restart_node' on " + leader
                        + ", but it has 4 records: ")
                .hasMessageContaining("restart_node on " + follower);
    }

    @Test
    void journalAssertionsTakeTypedActionKinds() {
        SimulatedRecovery recovered = recoveredFromACrash();

        assertThat(recovered).journalContainsAction(ActionKind.RESTART)
                .journalContainsActionOnNode(ActionKind.RESTART, follower);
        assertThatThrownBy(() -> assertThat(recovered).journalContainsActionOnNode(ActionKind.RESTART, leader))
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("Expecting the journal to contain action 'restart_node' on " + leader);
        assertThatThrownBy(() -> assertThat(recovered).journalContainsAction(ActionKind.RESET))
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("Expecting the journal to contain action 'reset'");
    }

    @Test
    void journalContainsActionFailsOnAnEmptyJournal() {
        recovery(RecoveryOptions.defaults()).runFor(Duration.ofSeconds(5));

        assertThatThrownBy(() -> assertThat(recovery).journalContainsAction("restart_node"))
                .isInstanceOf(AssertionError.class)
                .hasMessage("Expecting the journal to contain action 'restart_node', but it has no records");
    }

    @Test
    void recoveredFailsForAnotherTypeOrNodeAndSaysWhatHappenedInstead() {
        SimulatedRecovery recovered = recoveredFromACrash();
        String key = "process_crash:" + follower;

        assertThatThrownBy(() -> assertThat(recovered).recovered(FailureType.DATABASE_CORRUPTION))
                .isInstanceOf(AssertionError.class)
                .hasMessage("Expecting a verified recovery from database_corruption, but there was none; confirmed: ["
                        + key + "], verified: [" + key + "], escalated: [], cleared: []");
        assertThatThrownBy(() -> assertThat(recovered).recovered(FailureType.PROCESS_CRASH, leader))
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("Expecting a verified recovery from process_crash on " + leader
                        + ", but there was none; ");
    }

    @Test
    void escalatedAndQuarantinedPassForACrashLoopBeyondTheAttemptBudget() {
        // Given: the follower dies two seconds after each start, more often than the two attempts allowed
        cluster.faults().crashLoop(follower, 10, Duration.ofSeconds(2));
        RecoveryOptions twoAttempts = RecoveryOptions.builder().maxRestartAttempts(2).build();

        // When: each restart is verified before the node dies again, so run on past the healthy moments
        CycleReport last = recovery(twoAttempts).runFor(Duration.ofMinutes(3));

        // Then
        assertThat(last.stuck()).isTrue();
        assertThat(recovery.journal().records("restart_node")).hasSize(2);
        assertThat(recovery).escalated().escalated(FailureType.PROCESS_CRASH)
                .escalated(FailureType.PROCESS_CRASH, follower).quarantined(follower)
                .journalContainsActionOnNode("node_quarantined", follower)
                .cluster().nodeIsDown(follower).hasSingleLeader();
    }

    @Test
    void escalatedFailsWhenTheEngineRecovered() {
        SimulatedRecovery recovered = recoveredFromACrash();
        String key = "process_crash:" + follower;

        assertThatThrownBy(() -> assertThat(recovered).escalated()).isInstanceOf(AssertionError.class)
                .hasMessage("Expecting an escalation, but there was none; confirmed: [" + key + "], verified: ["
                        + key + "], escalated: [], cleared: []");
        assertThatThrownBy(() -> assertThat(recovered).escalated(FailureType.PROCESS_CRASH, follower))
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("Expecting an escalation of process_crash, quarantining " + follower
                        + ", but there was none; ");
    }

    @Test
    void quarantinedFailsForANodeTheEngineDidNotGiveUpOn() {
        SimulatedRecovery recovered = recoveredFromACrash();

        assertThatThrownBy(() -> assertThat(recovered).quarantined(follower)).isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("Expecting " + follower + " to be quarantined, but the quarantined nodes "
                        + "are []; confirmed: ");
    }

    @Test
    void didNotActPassesOnAHealthyClusterAndFailsListingWhatTheEngineDid() {
        recovery(RecoveryOptions.defaults()).runFor(Duration.ofSeconds(30));
        assertThat(recovery).didNotAct();
        recovery.close();

        SimulatedRecovery recovered = recoveredFromACrash();

        assertThatThrownBy(() -> assertThat(recovered).didNotAct()).isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("Expecting the engine not to act, but it did 2 times: [restart_node on "
                        + follower + " (restarted with pid ")
                .hasMessageContaining("rung 'restart' for process_crash:" + follower + " (restarted [" + follower
                        + "])");
    }
}
