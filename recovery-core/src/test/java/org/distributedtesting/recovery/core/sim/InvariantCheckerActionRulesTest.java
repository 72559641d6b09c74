package org.distributedtesting.recovery.core.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.Action.Artifact;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.core.sim.InvariantChecker.Violation;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The engine's safety rules as the invariant checker enforces them, against the simulation's ground truth. */
class InvariantCheckerActionRulesTest {

    private SimulatedCluster cluster;
    private InvariantChecker checker;
    private NodeId leader;
    private NodeId first;
    private NodeId second;

    @BeforeEach
    void settledThreeNodeCluster() {
        cluster = SimulatedCluster.builder().nodes(3).seed(31).build();
        leader = cluster.awaitLeader(Duration.ofSeconds(10)).orElseThrow();
        List<NodeId> followers = cluster.nodeIds().stream().filter(n -> !n.equals(leader)).toList();
        first = followers.get(0);
        second = followers.get(1);
        cluster.advance(Duration.ofSeconds(1));
        checker = cluster.invariants();
    }

    // ---- quorum budget -----------------------------------------------------------------------------------------

    @Test
    void stoppingAVoterWhenOnlyAMajorityIsAliveBreaksTheQuorumBudget() {
        // Given one voter of three down
        cluster.crash(first);

        // When
        checker.actionExecuted(new Action.Stop(second));

        // Then
        assertThat(checker.violations()).singleElement().satisfies(v -> {
            assertThat(v.invariant()).isEqualTo(InvariantChecker.QUORUM_BUDGET);
            assertThat(v.detail()).isEqualTo("stop_node on '" + second + "' leaves 1 of 3 voters alive; a majority is 2");
        });
    }

    @Test
    void aDestructiveActionCountsAgainstTheQuorumBudgetToo() {
        // Given one voter of three down, and a backup taken
        cluster.crash(first);
        checker.actionExecuted(new Action.MoveAside(second, Artifact.LOG));

        // When
        checker.actionExecuted(new Action.Reset(second, Artifact.LOG));

        // Then
        assertThat(checker.violations()).extracting(Violation::invariant).containsExactly(InvariantChecker.QUORUM_BUDGET);
    }

    @Test
    void disruptingOneVoterOfThreeIsWithinTheBudget() {
        checker.actionExecuted(new Action.Restart(first));
        checker.actionExecuted(new Action.SetVoter(second, false));

        assertThat(checker.clean()).isTrue();
    }

    @Test
    void actingOnANodeThatIsAlreadyDownCostsNoBudget() {
        // Given two voters of three down
        cluster.crash(first);
        cluster.crash(second);

        // When
        checker.actionExecuted(new Action.Restart(second));

        // Then
        assertThat(checker.clean()).isTrue();
    }

    // ---- backup before destructive -----------------------------------------------------------------------------

    @Test
    void aResetWithoutMovingTheArtifactAsideFirstIsAViolation() {
        checker.actionExecuted(new Action.Reset(first, Artifact.LOG));

        assertThat(checker.violations()).singleElement().satisfies(v -> {
            assertThat(v.invariant()).isEqualTo(InvariantChecker.BACKUP_BEFORE_DESTRUCTIVE);
            assertThat(v.detail()).isEqualTo("reset_log on '" + first + "' without moving its log aside first");
        });
    }

    @Test
    void aBackupCoversOneDestructiveActionOnThatNodeAndArtifact() {
        // Given the first follower's log moved aside
        checker.actionExecuted(new Action.MoveAside(first, Artifact.LOG));

        // When it is reset twice, and the other follower's log and the first's database once each
        checker.actionExecuted(new Action.Reset(first, Artifact.LOG));
        checker.actionExecuted(new Action.Reset(first, Artifact.LOG));
        checker.actionExecuted(new Action.Reset(second, Artifact.LOG));
        checker.actionExecuted(new Action.Restore(first, Artifact.DATABASE, leader));

        // Then only the first reset was backed up
        assertThat(checker.violations()).extracting(Violation::invariant)
                .containsOnly(InvariantChecker.BACKUP_BEFORE_DESTRUCTIVE).hasSize(3);
    }

    @Test
    void aRestoreAfterAMoveAsideFromAHealthySourceIsClean() {
        checker.actionExecuted(new Action.MoveAside(first, Artifact.DATABASE));
        checker.actionExecuted(new Action.Restore(first, Artifact.DATABASE, leader));
        checker.actionExecuted(new Action.TriggerSync(second, leader));

        assertThat(checker.clean()).isTrue();
        assertThat(checker.report()).isEqualTo("invariants: no violations");
    }

    // ---- suspect source ----------------------------------------------------------------------------------------

    @Test
    void restoringFromACrashedNodeIsASuspectSource() {
        // Given the node to restore stopped and backed up, and the source crashed
        cluster.crash(first);
        cluster.crash(second);
        checker.actionExecuted(new Action.MoveAside(first, Artifact.DATABASE));

        // When
        checker.actionExecuted(new Action.Restore(first, Artifact.DATABASE, second));

        // Then
        assertThat(checker.violations()).singleElement().satisfies(v -> {
            assertThat(v.invariant()).isEqualTo(InvariantChecker.SUSPECT_SOURCE);
            assertThat(v.detail()).isEqualTo("restore_database on '" + first + "' copies from '" + second
                    + "', but it is down");
        });
    }

    @Test
    void syncingFromANodeWithACorruptDatabaseIsASuspectSource() {
        cluster.raft(second).db.corrupt("page 9");

        checker.actionExecuted(new Action.TriggerSync(first, second));

        assertThat(checker.violations()).singleElement()
                .satisfies(v -> assertThat(v.detail()).endsWith("its database is corrupt"));
    }

    @Test
    void syncingFromANodeWhoseLogFailsItsCheckIsASuspectSource() {
        cluster.raft(second).log.corrupt(RaftLog.Corruption.CHECKSUM, new Random(1));

        checker.actionExecuted(new Action.TriggerSync(first, second));

        assertThat(checker.violations()).singleElement()
                .satisfies(v -> assertThat(v.detail()).contains("its log fails its check", "checksum mismatch"));
    }

    @Test
    void copyingFromAnExemptedNodeIsASuspectSource() {
        checker.exemptNode(second, "wrong-apply bug injected");

        checker.actionExecuted(new Action.TriggerSync(first, second));

        assertThat(checker.violations()).singleElement()
                .satisfies(v -> assertThat(v.detail()).endsWith("it is known to apply wrong results"));
    }

    @Test
    void copyingFromANodeOutsideTheClusterIsASuspectSource() {
        checker.actionExecuted(new Action.TriggerSync(first, NodeId.of("node-9")));

        assertThat(checker.violations()).singleElement()
                .satisfies(v -> assertThat(v.detail()).endsWith("it is not in the cluster"));
    }

    // ---- reporting ---------------------------------------------------------------------------------------------

    @Test
    void theReportCountsViolationsPerInvariantAndListsThemWithTheirTime() {
        // Given two broken rules
        cluster.crash(first);
        checker.actionExecuted(new Action.Reset(second, Artifact.DATABASE));

        // When
        String report = checker.report();

        // Then
        assertThat(report).startsWith("invariants: 2 violations {backup_before_destructive=1, quorum_budget=1}");
        assertThat(report.lines()).hasSize(3);
        assertThat(cluster.trace()).anyMatch(line -> line.contains("INVARIANT VIOLATED quorum_budget"));
    }

    @Test
    void exemptingAnUnknownNodeIsRejected() {
        assertThatThrownBy(() -> checker.exemptNode(NodeId.of("node-9"), "bug"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'node-9' is not in this cluster");
    }
}
