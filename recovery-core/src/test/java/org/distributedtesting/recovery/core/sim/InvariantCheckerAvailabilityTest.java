package org.distributedtesting.recovery.core.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.RecoveryEvent;
import org.distributedtesting.recovery.Severity;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The availability invariant: a recovery takes out of service (stop, restart, demote, replace the data of) only the
 * nodes its failure names, or nodes a test declared.
 */
class InvariantCheckerAvailabilityTest {

    private final SimulatedCluster cluster = SimulatedCluster.builder().nodes(3).seed(31).build();
    private InvariantChecker checker;
    private NodeId patient;
    private NodeId bystander;
    private Failure failure;

    @BeforeEach
    void aFailureOnOneNode() {
        checker = cluster.invariants();
        patient = cluster.nodeIds().get(1);
        bystander = cluster.nodeIds().get(2);
        failure = Failure.of(FailureType.DATABASE_CORRUPTION, List.of(patient), Severity.HIGH, "corrupt", Map.of());
    }

    private RecoveryEvent.ActionTaken taken(Action action, ActionResult result, boolean dryRun) {
        return new RecoveryEvent.ActionTaken(Instant.EPOCH, failure, action, result, "test", "restore_from_replica", 1,
                Optional.empty(), Optional.empty(), dryRun);
    }

    private RecoveryEvent.ActionTaken done(Action action) {
        return taken(action, ActionResult.Done.of("ok"), false);
    }

    @Test
    void stoppingANodeTheFailureDoesNotNameBreaksAvailability() {
        // When
        checker.recoveryEvent(done(new Action.Stop(bystander)));

        // Then
        assertThat(checker.violations()).singleElement().satisfies(v -> {
            assertThat(v.invariant()).isEqualTo(InvariantChecker.AVAILABILITY);
            assertThat(v.detail()).isEqualTo("stop_node on '" + bystander + "' (rung 'restore_from_replica' of the "
                    + "recovery of " + failure.key() + "), but no detected failure names '" + bystander
                    + "': the failure names only [" + patient + "]");
        });
    }

    @Test
    void restartingDemotingOrReplacingTheDataOfABystanderBreaksAvailabilityToo() {
        // When
        checker.recoveryEvent(done(new Action.Restart(bystander)));
        checker.recoveryEvent(done(new Action.SetVoter(bystander, false)));
        checker.recoveryEvent(done(new Action.Reset(bystander, Action.Artifact.LOG)));

        // Then
        assertThat(checker.violations()).extracting(InvariantChecker.Violation::invariant)
                .containsOnly(InvariantChecker.AVAILABILITY);
        assertThat(checker.violations()).filteredOn(v -> v.invariant().equals(InvariantChecker.AVAILABILITY))
                .hasSize(3);
    }

    @Test
    void aDataRepairThatStopsAndRestoresTheFailuresOwnNodeKeepsAvailability() {
        // When
        checker.recoveryEvent(done(new Action.Stop(patient)));
        checker.recoveryEvent(done(new Action.Restore(patient, Action.Artifact.DATABASE, bystander)));
        checker.recoveryEvent(done(new Action.Start(patient)));

        // Then
        assertThat(checker.violations()).isEmpty();
    }

    @Test
    void harmlessActionsOnOtherNodesKeepAvailability() {
        // When a leader elsewhere steps down and a term is raised there, as data repairs and term recoveries do
        checker.recoveryEvent(done(new Action.StepDown(bystander, Optional.empty())));
        checker.recoveryEvent(done(new Action.RaiseTerm(bystander, 7)));

        // Then
        assertThat(checker.violations()).isEmpty();
    }

    @Test
    void aStopThatWasRefusedFailedOrOnlyPlannedKeepsAvailability() {
        // When nothing was stopped
        checker.recoveryEvent(taken(new Action.Stop(bystander), new ActionResult.Refused("quorum_budget", "no"),
                false));
        checker.recoveryEvent(taken(new Action.Stop(bystander), new ActionResult.Failed("refused (injected)"), false));
        checker.recoveryEvent(taken(new Action.Stop(bystander), new ActionResult.Planned("would stop"), true));

        // Then
        assertThat(checker.violations()).isEmpty();
    }

    @Test
    void aNodeTheTestDeclaresMayBeDisrupted() {
        // Given
        checker.allowDisruption(bystander, "a rolling restart, on purpose");

        // When
        checker.recoveryEvent(done(new Action.Restart(bystander)));

        // Then
        assertThat(checker.violations()).isEmpty();

        // and once the declaration ends, it counts again
        checker.disallowDisruption(bystander);
        checker.recoveryEvent(done(new Action.Restart(bystander)));
        assertThat(checker.violations()).singleElement()
                .satisfies(v -> assertThat(v.invariant()).isEqualTo(InvariantChecker.AVAILABILITY));
    }
}
