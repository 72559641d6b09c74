package org.distributedtesting.recovery.core.sim.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import java.util.List;
import java.util.Map;
import org.distributedtesting.recovery.ClusterHistory;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.NodeObservation;
import org.distributedtesting.recovery.RecoveryStrategy;
import org.distributedtesting.recovery.RungResult;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.Severity;
import org.distributedtesting.recovery.core.LadderStrategy;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * The contract's time limits fail with what did not happen by when, in virtual time, not with raw milliseconds.
 * The contract subclasses are static nested classes run through the JUnit engine; Surefire does not run them.
 */
class ContractTimeoutMessageTest {

    private static final String TEST = "detectsAndRecoversItsFaultWithEveryInvariantHolding";

    private static Throwable failureOf(Class<?> contract) {
        Event failed = EngineTestKit.engine("junit-jupiter").selectors(selectMethod(contract, TEST)).execute()
                .testEvents().failed().stream().findFirst().orElseThrow();
        return failed.getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow();
    }

    @Test
    void aRecoveryThatNeverHappensFailsSayingWhatWasNotRecoveredByWhen() {
        Throwable failure = failureOf(NeverRecoversContract.class);

        assertThat(failure).isInstanceOf(AssertionError.class)
                .hasMessageMatching("(?s)the process_crash on \\[node-1\\] \\(process killed\\) was not recovered "
                        + "within 5 min of virtual time \\(injected at 00:00:\\d\\d\\.\\d{3} virtual\\), seed 1\\n"
                        + "=== simulated cluster: .*")
                .hasMessageNotContaining("Expecting actual");
    }

    @Test
    void aFaultThatIsNeverDetectedFailsSayingWithinHowManyCycles() {
        Throwable failure = failureOf(NeverDetectsContract.class);

        assertThat(failure).isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("the process_crash on [node-1] (process killed) was not detected within 10 "
                        + "engine cycles (injected at 00:00:");
    }

    // ---- contracts, run only through the engine test kit ----------------------------------------------------------

    static class NeverRecoversContract extends RecoveryStrategyContract {
        @Override
        protected RecoveryStrategy strategy() {
            return new SeesCrashesDoesNothing(true);
        }

        @Override
        protected long[] seeds() {
            return new long[] {1};
        }
    }

    static class NeverDetectsContract extends RecoveryStrategyContract {
        @Override
        protected RecoveryStrategy strategy() {
            return new SeesCrashesDoesNothing(false);
        }

        @Override
        protected long[] seeds() {
            return new long[] {1};
        }
    }

    /** Sees dead processes (or not) and its one rung does nothing about them. */
    public static final class SeesCrashesDoesNothing extends LadderStrategy {
        private final boolean sees;

        SeesCrashesDoesNothing(boolean sees) {
            super("sees_crashes_does_nothing", FailureType.PROCESS_CRASH, Settings.EMPTY);
            this.sees = sees;
            rung("shrug", (failure, context) -> RungResult.acted("did nothing"));
        }

        @Override
        protected List<Failure> detect(ClusterSnapshot snapshot, ClusterHistory history) {
            if (!sees) {
                return List.of();
            }
            return snapshot.observations().values().stream()
                    .filter(o -> o instanceof NodeObservation.Unreachable down && down.process().isDead())
                    .map(o -> Failure.of(type(), List.of(o.node()), Severity.HIGH, "'" + o.node() + "' is down",
                            Map.of()))
                    .toList();
        }
    }
}
