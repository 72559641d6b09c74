package org.distributedtesting.recovery.core.sim.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.core.sim.SimulatedCluster;
import org.distributedtesting.recovery.core.sim.harness.SimulatedRecovery;
import org.distributedtesting.recovery.core.sim.harness.TinyCrashStrategy;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;
import org.opentest4j.AssertionFailedError;

/**
 * What the extension does when a test fails, and what it refuses, checked by running sample test classes through
 * the JUnit engine. The samples are static nested classes, which Surefire does not run by itself.
 */
class SimulatedClusterExtensionFailureTest {

    private static final List<String> REPORTS = new CopyOnWriteArrayList<>();
    private static final List<Object> SEEN = new CopyOnWriteArrayList<>();
    private static final AssertionError BOOM = new AssertionError("boom: the cluster did not heal");

    @BeforeEach
    void clear() {
        REPORTS.clear();
        SEEN.clear();
    }

    private static Events run(Class<?> sample) {
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(sample)).execute().testEvents();
    }

    private static Throwable failureOf(Events events) {
        Event failed = events.failed().stream().findFirst().orElseThrow();
        return failed.getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow();
    }

    @Test
    void printsTheSeedTheTraceTailAndTheJournalOnAFailure() {
        // When
        Events events = run(FailingSample.class);

        // Then
        events.assertStatistics(s -> s.started(1).failed(1));
        SimulatedCluster cluster = (SimulatedCluster) SEEN.get(0);
        NodeId crashed = (NodeId) SEEN.get(1);
        List<String> trace = cluster.trace();
        assertThat(REPORTS).singleElement().asString()
                .contains("crashesAndFails(SimulatedCluster, SimulatedRecovery) failed on a simulated cluster "
                        + "(java.lang.AssertionError: boom: the cluster did not heal)")
                .contains("5 nodes, seed 77, pre-vote on")
                .contains("--- trace: last 5 of " + trace.size() + " lines ---\n"
                        + String.join("\n", trace.subList(trace.size() - 5, trace.size())) + "\n")
                .contains("restart_node {node_id=" + crashed)
                .contains("verified process_crash:" + crashed);
    }

    @Test
    void namesTheSeedAndSummarizesTheClusterInTheFailuresOwnMessageKeepingTheOriginalAsCause() {
        // When
        Events events = run(FailingSample.class);

        // Then
        Throwable failure = failureOf(events);
        NodeId crashed = (NodeId) SEEN.get(1);
        assertThat(failure).isExactlyInstanceOf(AssertionError.class).hasCause(BOOM)
                .hasMessageStartingWith("boom: the cluster did not heal\nsimulated cluster: seed 77, 5 nodes, at 00:00:")
                .hasMessageContaining("; every node up; invariants: no violations; full report in the test's report "
                        + "entry 'sim.report'")
                .hasMessageNotContaining("-Dsim.seed");
        assertThat(failure.getStackTrace()).isEqualTo(BOOM.getStackTrace());
        assertThat(reportEntries(events)).singleElement().asString().contains("5 nodes, seed 77, pre-vote on")
                .contains("restart_node {node_id=" + crashed);
    }

    private static List<String> reportEntries(Events events) {
        return events.reportingEntryPublished().stream()
                .map(e -> e.getPayload(ReportEntry.class).orElseThrow().getKeyValuePairs().get("sim.report"))
                .toList();
    }

    @Test
    void keepsTheExpectedAndActualValuesOfAnAssertionFailedError() {
        Events events = run(AssertJFailingSample.class);

        Throwable failure = failureOf(events);
        assertThat(failure).isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining("expected: 4").hasMessageContaining("simulated cluster: seed 1, 3 nodes")
                .cause().isInstanceOf(AssertionFailedError.class);
        AssertionFailedError assertion = (AssertionFailedError) failure;
        // AssertJ hands its representations ("4") to the IDE's diff; they go on as they were
        assertThat(assertion.getExpected().getValue()).isEqualTo("4");
        assertThat(assertion.getActual().getValue()).isEqualTo("3");
    }

    @Test
    void keepsTheTypeOfAnExceptionAndAddsTheSummaryAsSuppressed() {
        Events events = run(ThrowingSample.class);

        Throwable failure = failureOf(events);
        assertThat(failure).isInstanceOf(IllegalStateException.class).hasMessage("no leader");
        assertThat(failure.getSuppressed()).singleElement().satisfies(s -> assertThat(s.getMessage())
                .startsWith("simulated cluster: seed 1, 3 nodes"));
    }

    @Test
    void tellsHowToReplayTheSeedOfAFailedSweepInvocation() {
        Events events = run(FailingSweepSample.class);

        events.assertStatistics(s -> s.failed(2));
        assertThat(events.failed().stream().map(e -> e.getPayload(TestExecutionResult.class).orElseThrow()
                .getThrowable().orElseThrow().getMessage()))
                .anySatisfy(m -> assertThat(m).contains("seed 21, 3 nodes").contains("replay this seed alone with "
                        + "-Dsim.seed=21"))
                .anySatisfy(m -> assertThat(m).contains("seed 22, 3 nodes").contains("-Dsim.seed=22"));
    }

    @Test
    void printsNothingForAPassingTestAndClosesItsRecovery() {
        // When
        Events events = run(PassingSample.class);

        // Then
        events.assertStatistics(s -> s.succeeded(1).failed(0));
        assertThat(REPORTS).isEmpty();
        SimulatedRecovery recovery = (SimulatedRecovery) SEEN.get(0);
        assertThat(SimulatedRecovery.openOn(recovery.cluster())).isEmpty();
        assertThatThrownBy(recovery::runCycle).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void printsNothingForAnAbortedTest() {
        Events events = run(AbortedSample.class);

        events.assertStatistics(s -> s.aborted(1));
        assertThat(REPORTS).isEmpty();
    }

    @Test
    void reportsAFailingBeforeEachMethodOnceAndRethrows() {
        Events events = run(FailingBeforeEachSample.class);

        events.assertStatistics(s -> s.failed(1));
        assertThat(failureOf(events)).hasCause(BOOM).hasMessageContaining("simulated cluster: seed 1, 3 nodes");
        assertThat(REPORTS).singleElement().asString().contains("3 nodes, seed 1, pre-vote on");
    }

    @Test
    void refusesAClusterInTheConstructor() {
        Events events = run(ConstructorSample.class);

        assertThat(failureOf(events)).isInstanceOf(ParameterResolutionException.class)
                .hasMessageStartingWith("SimulatedCluster can be injected into test methods and their "
                        + "@BeforeEach/@AfterEach methods only, not into ");
    }

    @Test
    void refusesTwoDifferentlyAnnotatedClustersInOneTest() {
        Events events = run(ConflictSample.class);

        assertThat(failureOf(events)).isInstanceOf(ParameterResolutionException.class)
                .hasMessageStartingWith("a test has one SimulatedCluster, but twoClusters asks for @")
                .hasMessageContaining("nodes=5")
                .hasMessageContaining("annotate one parameter only");
    }

    @Test
    void namesTheSettingWhenTheClusterCannotBeBuilt() {
        Events events = run(InvalidSample.class);

        assertThat(failureOf(events)).isInstanceOf(ParameterResolutionException.class)
                .hasMessageStartingWith("cannot build the simulated cluster from @")
                .hasMessageEndingWith(": nodes must be in 1..15, but was 0");
    }

    @Test
    void namesTheStrategyThatCannotBeConstructed() {
        Events events = run(UnconstructibleStrategySample.class);

        assertThat(failureOf(events)).isInstanceOf(ParameterResolutionException.class)
                .hasMessage("strategy " + NeedsAPager.class.getName() + " needs a public constructor taking Settings"
                        + " or none; build the recovery with SimulatedRecovery.of(...) instead");
    }

    // ---- samples, run only through the engine test kit ------------------------------------------------------------

    static class FailingSample {
        @RegisterExtension
        static final SimulatedClusterExtension EXTENSION = new SimulatedClusterExtension(REPORTS::add, 5);

        @Test
        void crashesAndFails(@SimCluster(nodes = 5, seed = 77) SimulatedCluster cluster,
                             @SimRecovery(strategies = TinyCrashStrategy.class) SimulatedRecovery recovery) {
            NodeId leader = cluster.awaitLeader(Duration.ofSeconds(10)).orElseThrow();
            NodeId follower = cluster.nodeIds().stream().filter(n -> !n.equals(leader)).findFirst().orElseThrow();
            cluster.crash(follower);
            recovery.runUntilHealthy(Duration.ofMinutes(1));
            SEEN.add(cluster);
            SEEN.add(follower);
            throw BOOM;
        }
    }

    static class AssertJFailingSample {
        @RegisterExtension
        static final SimulatedClusterExtension EXTENSION = new SimulatedClusterExtension(REPORTS::add, 5);

        @Test
        void countsNodes(SimulatedCluster cluster) {
            assertThat(cluster.nodeIds().size()).isEqualTo(4);
        }
    }

    static class ThrowingSample {
        @RegisterExtension
        static final SimulatedClusterExtension EXTENSION = new SimulatedClusterExtension(REPORTS::add, 5);

        @Test
        void throwsWithoutALeader(SimulatedCluster cluster) {
            cluster.leader().orElseThrow(() -> new IllegalStateException("no leader"));
        }
    }

    static class FailingSweepSample {
        @RegisterExtension
        static final SimulatedClusterExtension EXTENSION = new SimulatedClusterExtension(REPORTS::add, 5);

        @SimSeeds({21, 22})
        void fails(SimulatedCluster cluster) {
            throw new AssertionError("seed " + cluster.config().seed() + " failed");
        }
    }

    static class PassingSample {
        @RegisterExtension
        static final SimulatedClusterExtension EXTENSION = new SimulatedClusterExtension(REPORTS::add, 5);

        @Test
        void passes(@SimRecovery(strategies = TinyCrashStrategy.class) SimulatedRecovery recovery) {
            SEEN.add(recovery);
            recovery.runUntilHealthy(Duration.ofSeconds(5));
        }
    }

    static class AbortedSample {
        @RegisterExtension
        static final SimulatedClusterExtension EXTENSION = new SimulatedClusterExtension(REPORTS::add, 5);

        @Test
        void aborts(SimulatedCluster cluster) {
            Assumptions.assumeTrue(cluster.nodeIds().size() > 3, "needs more than three nodes");
        }
    }

    static class FailingBeforeEachSample {
        @RegisterExtension
        static final SimulatedClusterExtension EXTENSION = new SimulatedClusterExtension(REPORTS::add, 5);

        @BeforeEach
        void fails(SimulatedCluster cluster) {
            throw BOOM;
        }

        @Test
        void neverRuns() {
            SEEN.add("ran");
        }
    }

    @ExtendWith(SimulatedClusterExtension.class)
    static class ConstructorSample {
        ConstructorSample(SimulatedCluster cluster) {
            SEEN.add(cluster);
        }

        @Test
        void neverRuns() {
            SEEN.add("ran");
        }
    }

    @ExtendWith(SimulatedClusterExtension.class)
    static class ConflictSample {
        @Test
        void twoClusters(@SimCluster(nodes = 3) SimulatedCluster one, @SimCluster(nodes = 5) SimulatedCluster two) {
            SEEN.add("ran");
        }
    }

    @ExtendWith(SimulatedClusterExtension.class)
    static class InvalidSample {
        @Test
        void noNodes(@SimCluster(nodes = 0) SimulatedCluster cluster) {
            SEEN.add("ran");
        }
    }

    @ExtendWith(SimulatedClusterExtension.class)
    static class UnconstructibleStrategySample {
        @Test
        void strategyWithoutAUsableConstructor(@SimRecovery(strategies = NeedsAPager.class) SimulatedRecovery r) {
            SEEN.add("ran");
        }
    }

    /** A strategy only code can build. */
    public static final class NeedsAPager extends org.distributedtesting.recovery.core.LadderStrategy {
        /** @param pager who to tell */
        public NeedsAPager(Runnable pager) {
            super("needs_a_pager", org.distributedtesting.recovery.FailureType.PROCESS_CRASH,
                    org.distributedtesting.recovery.Settings.EMPTY);
            rung("page", (failure, context) -> {
                pager.run();
                return org.distributedtesting.recovery.RungResult.acted("paged");
            });
        }

        @Override
        protected List<org.distributedtesting.recovery.Failure> detect(
                org.distributedtesting.recovery.ClusterSnapshot snapshot,
                org.distributedtesting.recovery.ClusterHistory history) {
            return List.of();
        }
    }
}
