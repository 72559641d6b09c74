package org.distributedtesting.recovery.strategies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.distributedtesting.recovery.strategies.Observations.down;
import static org.distributedtesting.recovery.strategies.Observations.healthy;
import static org.distributedtesting.recovery.strategies.Observations.id;
import static org.distributedtesting.recovery.strategies.Observations.snapshot;
import static org.distributedtesting.recovery.strategies.Observations.up;

import java.util.List;
import java.util.Map;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.Action.Artifact;
import org.distributedtesting.recovery.ClusterHistory;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.IntegrityCheck;
import org.distributedtesting.recovery.ProcessStatus;
import org.distributedtesting.recovery.Role;
import org.distributedtesting.recovery.RungResult;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.Severity;
import org.distributedtesting.recovery.core.StrategyRegistry;
import org.distributedtesting.recovery.core.sim.harness.RecordingContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LogCorruptionStrategyTest {

    private static final IntegrityCheck GAP = IntegrityCheck.failed("index gap: expected entry 12, found 13");
    private final LogCorruptionStrategy strategy = new LogCorruptionStrategy();

    private static ClusterSnapshot corruptLogOnNode2(long cycle) {
        return snapshot(cycle, up(1, healthy(Role.LEADER, 40)), up(2, healthy(Role.FOLLOWER, 38).log(GAP)),
                up(3, healthy(Role.FOLLOWER, 40)));
    }

    private static ClusterSnapshot node2Down(long cycle, ProcessStatus process) {
        return snapshot(cycle, up(1, healthy(Role.LEADER, 40)), down(2, process), up(3, healthy(Role.FOLLOWER, 40)));
    }

    @Test
    void detectsAReachableNodeWhoseLogCheckFailedWithItsEvidence() {
        List<Failure> failures = strategy.detector().detect(corruptLogOnNode2(1), ClusterHistory.EMPTY);

        assertThat(failures).singleElement().satisfies(f -> {
            assertThat(f.key()).isEqualTo("log_corruption:node-2");
            assertThat(f.severity()).isEqualTo(Severity.HIGH);
            assertThat(f.evidence()).containsEntry("signal", "log_check_failed").containsEntry("log_check",
                    GAP.detail()).containsEntry("last_log_index", 38L);
        });
    }

    @Test
    void detectsANodeThatFailsToStartOnTheLogItLastReportedCorrupt() {
        // Given node-2 last answered with a failed log check, and its process now ends with exit code 1
        ClusterHistory history = new ClusterHistory(List.of(corruptLogOnNode2(1),
                node2Down(2, ProcessStatus.exited(2001, 137))));

        // When
        List<Failure> failures = strategy.detector().detect(node2Down(3, ProcessStatus.exited(2002, 1)), history);

        // Then
        assertThat(failures).singleElement().satisfies(f -> {
            assertThat(f.key()).isEqualTo("log_corruption:node-2");
            assertThat(f.evidence()).containsEntry("signal", "fails_to_start").containsEntry("exit_code", 1)
                    .containsEntry("last_log_check", GAP.detail());
        });
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 137, 143})
    void aNodeThatWasStoppedOrKilledIsNotAFailureToStart(int exitCode) {
        ClusterHistory history = new ClusterHistory(List.of(corruptLogOnNode2(1)));

        assertThat(strategy.detector().detect(node2Down(2, ProcessStatus.exited(2001, exitCode)), history))
                .isEmpty();
    }

    @Test
    void aNodeThatFailsToStartWithAHealthyLogIsNotLogCorruption() {
        ClusterHistory history = new ClusterHistory(List.of(snapshot(1, up(1, healthy(Role.LEADER, 40)),
                up(2, healthy(Role.FOLLOWER, 40)), up(3, healthy(Role.FOLLOWER, 40)))));

        assertThat(strategy.detector().detect(node2Down(2, ProcessStatus.exited(2001, 1)), history)).isEmpty();
        assertThat(strategy.detector().detect(node2Down(2, ProcessStatus.exited(2001, 1)), ClusterHistory.EMPTY))
                .as("no earlier answer at all").isEmpty();
    }

    @Test
    void resetLogStopsTheNodeMovesItsLogAsideResetsItStartsItAndStepsTheLeaderDown() {
        ClusterSnapshot now = corruptLogOnNode2(1);
        Failure failure = strategy.detector().detect(now, ClusterHistory.EMPTY).get(0);
        RecordingContext context = RecordingContext.of(failure, now).history(ClusterHistory.EMPTY);

        RungResult result = strategy.resetLog(failure, context);

        assertThat(result).isInstanceOf(RungResult.Acted.class);
        assertThat(context.performed()).containsExactly(new Action.Stop(id(2)),
                new Action.MoveAside(id(2), Artifact.LOG), new Action.Reset(id(2), Artifact.LOG),
                new Action.Start(id(2)), new Action.StepDown(id(1), java.util.Optional.empty()));
    }

    @Test
    void fullStateSyncAlsoMovesAsideAndResetsTheDatabase() {
        ClusterSnapshot now = corruptLogOnNode2(1);
        Failure failure = strategy.detector().detect(now, ClusterHistory.EMPTY).get(0);
        RecordingContext context = RecordingContext.of(failure, now).history(ClusterHistory.EMPTY);

        RungResult result = strategy.fullStateSync(failure, context);

        assertThat(result).isInstanceOf(RungResult.Acted.class);
        assertThat(context.performed()).containsExactly(new Action.Stop(id(2)),
                new Action.MoveAside(id(2), Artifact.LOG), new Action.Reset(id(2), Artifact.LOG),
                new Action.MoveAside(id(2), Artifact.DATABASE), new Action.Reset(id(2), Artifact.DATABASE),
                new Action.Start(id(2)), new Action.StepDown(id(1), java.util.Optional.empty()));
    }

    @Test
    void isResolvedOnlyWhenTheLogPassesAndTheNodeServesAndHasCaughtUp() {
        Failure failure = strategy.detector().detect(corruptLogOnNode2(1), ClusterHistory.EMPTY).get(0);

        assertThat(strategy.isResolved(failure, corruptLogOnNode2(2), ClusterHistory.EMPTY)).as("still corrupt")
                .isFalse();
        assertThat(strategy.isResolved(failure, node2Down(2, ProcessStatus.alive(2002)), ClusterHistory.EMPTY))
                .as("still starting").isFalse();
        assertThat(strategy.isResolved(failure, snapshot(2, up(1, healthy(Role.LEADER, 1000)),
                up(2, healthy(Role.FOLLOWER, 700)), up(3, healthy(Role.FOLLOWER, 1000))), ClusterHistory.EMPTY))
                .as("300 entries behind").isFalse();
        assertThat(strategy.isResolved(failure, snapshot(2, up(1, healthy(Role.LEADER, 1000)),
                up(2, healthy(Role.CANDIDATE, 1000)), up(3, healthy(Role.FOLLOWER, 1000))), ClusterHistory.EMPTY))
                .as("campaigning, not following").isFalse();
        assertThat(strategy.isResolved(failure, snapshot(2, up(1, healthy(Role.LEADER, 1000)),
                up(2, healthy(Role.FOLLOWER, 800)), up(3, healthy(Role.FOLLOWER, 1000))), ClusterHistory.EMPTY))
                .as("within 250 entries").isTrue();
    }

    @Test
    void theCatchUpLagIsConfigurableAndValidated() {
        assertThat(strategy.catchUpLagEntries()).isEqualTo(ProcessCrashStrategy.DEFAULT_CATCH_UP_LAG_ENTRIES);
        assertThat(new LogCorruptionStrategy(new Settings(Map.of("catch_up_lag_entries", 10L))).catchUpLagEntries())
                .isEqualTo(10);
        assertThatThrownBy(() -> new LogCorruptionStrategy(new Settings(Map.of("catch_up_lag_entries", -1L))))
                .hasMessage("strategies.log_corruption.catch_up_lag_entries must be >= 0, but was -1");
    }

    @Test
    void theRungsJournalUnderTheSeedsNameAndANewOne() {
        assertThat(strategy.rungs()).containsExactly("reset_log", "full_state_sync");
        assertThat(strategy.rungAction(0)).isEqualTo("recover_log_corruption");
        assertThat(strategy.rungAction(1)).isEqualTo("full_state_sync_on_corrupt_log");
    }

    @Test
    void theThreeDataStrategiesAreRegisteredThroughServiceLoaderAsTheDataSet() {
        StrategyRegistry registry = StrategyRegistry.discover(n -> Settings.EMPTY);

        assertThat(registry.resolve(BuiltInStrategies.DATA)).hasSize(3)
                .hasAtLeastOneElementOfType(LogCorruptionStrategy.class)
                .hasAtLeastOneElementOfType(DatabaseCorruptionStrategy.class)
                .hasAtLeastOneElementOfType(StateDivergenceStrategy.class);
        assertThat(registry.problems()).isEmpty();
    }

    @Test
    void aNodeWhoseDataNothingReachesOnceStoppedIsNotStoppedAndBothRungsSkipWithTheReason() {
        // Given
        ClusterSnapshot now = corruptLogOnNode2(1);
        Failure failure = strategy.detector().detect(now, ClusterHistory.EMPTY).get(0);
        RecordingContext context = RecordingContext.of(failure, now).history(ClusterHistory.EMPTY)
                .dataUnreachableWhenStopped(id(2));

        // When
        RungResult reset = strategy.resetLog(failure, context);
        RungResult fullSync = strategy.fullStateSync(failure, context);

        // Then
        assertThat(context.performed()).isEmpty();
        assertThat(List.of(reset, fullSync)).allSatisfy(r -> {
            assertThat(r).isInstanceOf(RungResult.Skipped.class);
            assertThat(r.detail()).contains("cannot repair the data of a stopped node without maintenance_command");
        });
    }
}
