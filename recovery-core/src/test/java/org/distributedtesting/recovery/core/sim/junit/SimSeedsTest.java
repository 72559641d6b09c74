package org.distributedtesting.recovery.core.sim.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.distributedtesting.recovery.core.sim.SimulatedCluster;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * Seed sweeps: {@link SimSeeds} runs a test once per seed, names each run by its seed, replays one seed from
 * {@code -Dsim.seed}, and refuses the combinations that would test one seed while seeming to test many. The
 * samples are static nested classes run through the JUnit engine; Surefire does not run them by itself.
 */
class SimSeedsTest {

    private static final List<Long> SEEDS = new CopyOnWriteArrayList<>();
    private static final List<Integer> NODES = new CopyOnWriteArrayList<>();

    @BeforeEach
    void clear() {
        SEEDS.clear();
        NODES.clear();
    }

    private static EngineExecutionResults run(Class<?> sample) {
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(sample)).execute();
    }

    private static List<String> namesOfTests(EngineExecutionResults events) {
        return events.testEvents().started().stream().map(e -> e.getTestDescriptor().getDisplayName()).toList();
    }

    private static Throwable failureOf(EngineExecutionResults events) {
        Event failed = events.allEvents().failed().stream().findFirst().orElseThrow();
        return failed.getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow();
    }

    @Test
    void runsEverySeedOfAListOnAClusterOfThatSeedNamedByIt() {
        EngineExecutionResults events = run(ListSample.class);

        events.testEvents().assertStatistics(s -> s.started(3).succeeded(3));
        assertThat(SEEDS).containsExactly(3L, 1L, 42L);
        assertThat(NODES).containsOnly(5);
        assertThat(namesOfTests(events)).containsExactly("seed 3", "seed 1", "seed 42");
    }

    @Test
    void runsARangeOfSeeds() {
        EngineExecutionResults events = run(RangeSample.class);

        events.testEvents().assertStatistics(s -> s.succeeded(4));
        assertThat(SEEDS).containsExactly(10L, 11L, 12L, 13L);
    }

    @Test
    void runsRandomSeedsAndShowsEachInItsNameAndInAReportEntry() {
        EngineExecutionResults events = run(RandomSample.class);

        events.testEvents().assertStatistics(s -> s.succeeded(5));
        assertThat(SEEDS).hasSize(5).doesNotHaveDuplicates();
        assertThat(namesOfTests(events)).containsExactlyElementsOf(
                SEEDS.stream().map(seed -> "seed " + seed + " (random)").toList());
        assertThat(events.allEvents().reportingEntryPublished().stream()
                .map(e -> e.getPayload(ReportEntry.class).orElseThrow().getKeyValuePairs().get("sim.seeds")))
                .singleElement().asString().startsWith(SEEDS.toString()).contains("-Dsim.seed=N");
    }

    @Test
    void replaysTheSeedOfTheSystemPropertyAlone() {
        String before = System.getProperty(SimSeeds.REPLAY_PROPERTY);
        System.setProperty(SimSeeds.REPLAY_PROPERTY, "1234");
        try {
            EngineExecutionResults events = run(ListSample.class);

            events.testEvents().assertStatistics(s -> s.succeeded(1));
            assertThat(SEEDS).containsExactly(1234L);
            assertThat(namesOfTests(events)).containsExactly("seed 1234 (replayed with -Dsim.seed)");
        } finally {
            if (before == null) {
                System.clearProperty(SimSeeds.REPLAY_PROPERTY);
            } else {
                System.setProperty(SimSeeds.REPLAY_PROPERTY, before);
            }
        }
    }

    @Test
    void givesTheBeforeEachMethodTheClusterOfTheInvocationsSeed() {
        EngineExecutionResults events = run(BeforeEachSample.class);

        events.testEvents().assertStatistics(s -> s.succeeded(2));
        assertThat(SEEDS).containsExactly(5L, 5L, 6L, 6L);
    }

    @Test
    void worksBesideARegisteredInstanceOfTheExtension() {
        EngineExecutionResults events = run(RegisteredSample.class);

        events.testEvents().assertStatistics(s -> s.succeeded(2));
        assertThat(SEEDS).containsExactly(7L, 8L);
    }

    @Test
    void refusesARepeatedTestThatWouldRepeatOneSeed() {
        EngineExecutionResults events = run(RepeatedSample.class);

        events.testEvents().assertStatistics(s -> s.failed(3));
        assertThat(failureOf(events)).isInstanceOf(ParameterResolutionException.class)
                .hasMessage("@RepeatedTest repeats would run the same simulation with seed 1 every time (a seed "
                        + "gives the same run); sweep seeds with @SimSeeds(from = 1, count = 3) instead");
    }

    @Test
    void refusesAParameterizedTestWhoseSeedTheExtensionCannotSee() {
        EngineExecutionResults events = run(ParameterizedSeedSample.class);

        events.testEvents().assertStatistics(s -> s.failed(2));
        assertThat(failureOf(events)).isInstanceOf(ParameterResolutionException.class)
                .hasMessageStartingWith("@ParameterizedTest sweeps takes a seed (long ")
                .hasMessageEndingWith(") that the extension cannot see: every invocation's cluster would have "
                        + "seed 1; sweep seeds with @SimSeeds({...}) instead, or build the cluster in the test with "
                        + "SimulatedCluster.builder().seed(seed)");
    }

    @Test
    void acceptsAParameterizedTestOverSomethingElseThanTheSeed() {
        EngineExecutionResults events = run(ParameterizedTypeSample.class);

        events.testEvents().assertStatistics(s -> s.succeeded(2));
        assertThat(SEEDS).containsExactly(1L, 1L);
    }

    @Test
    void refusesASeedInSimClusterUnderASweep() {
        EngineExecutionResults events = run(TwoSeedsSample.class);

        events.testEvents().assertStatistics(s -> s.failed(2));
        assertThat(failureOf(events)).isInstanceOf(ParameterResolutionException.class)
                .hasMessageStartingWith("twoSeeds has @SimSeeds, which gives each invocation its seed, and @")
                .hasMessageEndingWith("which names seed 42; drop the seed from @SimCluster");
    }

    @Test
    void refusesSimSeedsBesideTest() {
        EngineExecutionResults events = run(SimSeedsAndTestSample.class);

        assertThat(failureOf(events)).isInstanceOf(ParameterResolutionException.class)
                .hasMessage("both has @SimSeeds and another test annotation (@Test, @RepeatedTest or "
                        + "@ParameterizedTest) that runs it without a seed of the sweep; @SimSeeds runs the test by "
                        + "itself: drop the other one");
    }

    @Test
    void refusesASweepWithoutExactlyOneSource() {
        EngineExecutionResults events = run(TwoSourcesSample.class);

        assertThat(failureOf(events)).isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageStartingWith("@SimSeeds on twoSources must name exactly one seed source, a list ({1, 2, "
                        + "3}), a range (from = 1, count = 50) or random (random = 20), but names 2: @");
    }

    @Test
    void refusesAStartOfARangeWithoutItsCount() {
        EngineExecutionResults events = run(FromWithoutCountSample.class);

        assertThat(failureOf(events)).isInstanceOf(ExtensionConfigurationException.class)
                .hasMessage("@SimSeeds on fromOnly: from = 5 starts a range, which needs count (from = 5, count = 10)");
    }

    // ---- samples, run only through the engine test kit ------------------------------------------------------------

    static class ListSample {
        @SimSeeds({3, 1, 42})
        void sweeps(@SimCluster(nodes = 5) SimulatedCluster cluster) {
            SEEDS.add(cluster.config().seed());
            NODES.add(cluster.nodeIds().size());
        }
    }

    static class RangeSample {
        @SimSeeds(from = 10, count = 4)
        void sweeps(SimulatedCluster cluster) {
            SEEDS.add(cluster.config().seed());
        }
    }

    static class RandomSample {
        @SimSeeds(random = 5)
        void sweeps(SimulatedCluster cluster) {
            SEEDS.add(cluster.config().seed());
        }
    }

    static class BeforeEachSample {
        @BeforeEach
        void before(SimulatedCluster cluster) {
            SEEDS.add(cluster.config().seed());
        }

        @SimSeeds({5, 6})
        void sweeps(SimulatedCluster cluster) {
            SEEDS.add(cluster.config().seed());
        }
    }

    static class RegisteredSample {
        @RegisterExtension
        static final SimulatedClusterExtension EXTENSION = new SimulatedClusterExtension(report -> { }, 5);

        @SimSeeds({7, 8})
        void sweeps(SimulatedCluster cluster) {
            SEEDS.add(cluster.config().seed());
        }
    }

    @ExtendWith(SimulatedClusterExtension.class)
    static class RepeatedSample {
        @RepeatedTest(3)
        void repeats(SimulatedCluster cluster) {
            SEEDS.add(cluster.config().seed());
        }
    }

    @ExtendWith(SimulatedClusterExtension.class)
    static class ParameterizedSeedSample {
        @ParameterizedTest
        @ValueSource(longs = {1, 2})
        void sweeps(long seed, SimulatedCluster cluster) {
            SEEDS.add(cluster.config().seed());
        }
    }

    @ExtendWith(SimulatedClusterExtension.class)
    static class ParameterizedTypeSample {
        @ParameterizedTest
        @EnumSource(names = {"PROCESS_CRASH", "DEADLOCK"})
        void perType(FailureTypeName type, SimulatedCluster cluster) {
            SEEDS.add(cluster.config().seed());
        }
    }

    /** A parameter that is not a seed. */
    enum FailureTypeName {
        PROCESS_CRASH, DEADLOCK
    }

    static class TwoSeedsSample {
        @SimSeeds({1, 2})
        void twoSeeds(@SimCluster(seed = 42) SimulatedCluster cluster) {
            SEEDS.add(cluster.config().seed());
        }
    }

    static class SimSeedsAndTestSample {
        @Test
        @SimSeeds({1, 2})
        void both(SimulatedCluster cluster) {
            SEEDS.add(cluster.config().seed());
        }
    }

    static class TwoSourcesSample {
        @SimSeeds(value = {1, 2}, count = 3)
        void twoSources(SimulatedCluster cluster) {
            SEEDS.add(cluster.config().seed());
        }
    }

    static class FromWithoutCountSample {
        @SimSeeds(value = {1, 2}, from = 5)
        void fromOnly(SimulatedCluster cluster) {
            SEEDS.add(cluster.config().seed());
        }
    }
}
