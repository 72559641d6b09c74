package org.distributedtesting.recovery.strategies.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.distributedtesting.recovery.FailureType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code --simulate}, run in-process through {@link RecoveryDaemon#run}. */
class SimulateModeTest {

    private static final Pattern INJECTED = Pattern.compile(
            "(?m)^ +(\\d+\\.\\d{3})s  INJECTED   process_crash on (node-\\d+): process killed$");

    /** What one command line printed and returned. */
    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = RecoveryDaemon.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Stream<Arguments> seedsAndSizes() {
        return Stream.of(1L, 2L, 7L, 42L, 1234L).flatMap(seed -> Stream.of(Arguments.of(seed, 3),
                Arguments.of(seed, 5)));
    }

    @ParameterizedTest(name = "seed {0}, {1} nodes")
    @MethodSource("seedsAndSizes")
    void detectsAndRecoversAnInjectedCrash(long seed, int nodes) {
        // When
        Run run = run("--simulate", "--once", "--seed", String.valueOf(seed), "--nodes", String.valueOf(nodes),
                "--inject", "process_crash");

        // Then: the crashed node is detected, restarted and verified, in that order, and the summary says so
        assertThat(run.exit()).as(run.out()).isZero();
        Matcher injected = INJECTED.matcher(run.out());
        assertThat(injected.find()).as(run.out()).isTrue();
        String node = injected.group(2);
        String key = "process_crash:" + node;
        assertThat(run.out())
                .startsWith("simulating " + nodes + " nodes, seed " + seed + ": injecting process_crash")
                .containsPattern("(?m)^ +\\d+\\.\\d{3}s  DETECTED   " + key + " after 1 cycles: '" + node
                        + "' does not answer")
                .containsPattern("(?m)^ +\\d+\\.\\d{3}s  ACTION     restart_node on '" + node + "': done")
                .containsPattern("(?m)^ +\\d+\\.\\d{3}s  RUNG       " + key + " 'restart' attempt 1 acted")
                .containsPattern("(?m)^ +\\d+\\.\\d{3}s  RECOVERED  " + key
                        + " by 'restart' \\d+\\.\\d s \\(virtual\\) after it was first seen$")
                .containsPattern("(?m)^  process_crash +" + node + " +" + injected.group(1)
                        + "s +\\d+\\.\\d{3}s +\\d+\\.\\d{3}s +restart +recovered$")
                .contains("  invariant violations: none")
                .endsWith("PASSED (seed " + seed + "): every injected fault was recovered, the cluster ended"
                        + " healthy and no invariant broke" + System.lineSeparator());
        assertThat(run.out().indexOf("INJECTED")).isLessThan(run.out().indexOf("DETECTED"));
        assertThat(run.out().indexOf("DETECTED")).isLessThan(run.out().indexOf("RECOVERED"));
        assertThat(run.err()).isEmpty();
    }

    @Test
    void injectsOneFaultEverySpacingInOrder() {
        // When
        Run run = run("--simulate", "--once", "--seed", "3", "--inject", "process_crash,PROCESS-CRASH");

        // Then
        assertThat(run.exit()).as(run.out()).isZero();
        Matcher injected = INJECTED.matcher(run.out());
        assertThat(injected.find()).isTrue();
        double first = Double.parseDouble(injected.group(1));
        assertThat(injected.find()).isTrue();
        double second = Double.parseDouble(injected.group(1));
        assertThat(second - first).isEqualTo(SimulateCommand.SPACING.toSeconds(), org.assertj.core.data.Offset
                .offset(0.0005));
        assertThat(run.out()).containsPattern("(?m)^  process_crash .* recovered$")
                .contains("injecting process_crash, process_crash 30 s apart");
    }

    @Test
    void aNodeCrashedTwiceHasEachRestartCountedOnce() {
        // When: three nodes and three crashes, so one node is crashed twice
        Run run = run("--simulate", "--once", "--seed", "7", "--nodes", "3", "--inject",
                "process_crash,process_crash,process_crash");

        // Then
        assertThat(run.exit()).as(run.out()).isZero();
        assertThat(run.out().lines().filter(line -> line.startsWith("  process_crash ")))
                .hasSize(3).allMatch(row -> row.endsWith("  restart  recovered"), "one restart each");
    }

    @Test
    void aSingleNodeClusterGetsItsCrashedNodeBack() {
        // When
        Run run = run("--simulate", "--once", "--nodes", "1", "--inject", "process_crash");

        // Then
        assertThat(run.exit()).as(run.out()).isZero();
        assertThat(run.out()).startsWith("simulating 1 node, seed 1")
                .contains("INJECTED   process_crash on node-1", "RECOVERED  process_crash:node-1 by 'restart'");
    }

    @Test
    void injectsOneFaultOfEachOfTheTenTypesByDefaultAndRecoversThemAll() {
        // When
        Run run = run("--simulate");

        // Then
        assertThat(run.exit()).as(run.out()).isZero();
        assertThat(run.out()).startsWith("simulating 5 nodes, seed 1: injecting split_brain, term_divergence,"
                + " network_partition, process_crash, log_corruption, database_corruption, state_divergence,"
                + " deadlock, resource_exhaustion, slow_follower 30 s apart, for at most 600 s");
        for (FailureType type : FailureType.standard()) {
            assertThat(run.out()).containsPattern("INJECTED   " + type.name() + " on node-\\d")
                    .containsPattern("RECOVERED  " + type.name() + ":");
        }
    }

    static Stream<Arguments> everyTypeWithSeveralSeeds() {
        return FailureType.standard().stream().flatMap(type -> Stream.of(3L, 17L, 99L)
                .map(seed -> Arguments.of(type.name(), seed)));
    }

    @ParameterizedTest(name = "--inject {0} --seed {1}")
    @MethodSource("everyTypeWithSeveralSeeds")
    void exitsZeroForEachTypeAlone(String type, long seed) {
        // When
        Run run = run("--simulate", "--once", "--seed", String.valueOf(seed), "--inject", type);

        // Then
        assertThat(run.exit()).as(run.out()).isZero();
        assertThat(run.out()).containsPattern("INJECTED   " + type + " on node-\\d")
                .containsPattern("RECOVERED  " + type + ":")
                .contains("invariant violations: none")
                .endsWith("PASSED (seed " + seed + "): every injected fault was recovered, the cluster ended healthy"
                        + " and no invariant broke" + System.lineSeparator());
    }

    @ParameterizedTest(name = "--inject {0}")
    @MethodSource("combinations")
    void exitsZeroForACombinationOfTypes(String types) {
        // When
        Run run = run("--simulate", "--once", "--seed", "5", "--inject", types);

        // Then
        assertThat(run.exit()).as(run.out()).isZero();
        for (String type : types.split(",")) {
            // the summary row of each fault (a fault may also end by healing while a higher-precedence one runs)
            assertThat(run.out()).containsPattern("(?m)^  " + type.toLowerCase().replace('-', '_')
                    + " +node-\\d.* recovered$");
        }
    }

    static Stream<String> combinations() {
        return Stream.of("log_corruption,database_corruption,deadlock", "Split-Brain,network_partition",
                "process_crash,slow_follower,term_divergence,state_divergence,resource_exhaustion");
    }

    @Test
    void theSameSeedPrintsTheSameBytes() {
        // When
        Run first = run("--simulate", "--once", "--seed", "11", "--inject", "process_crash,process_crash");
        Run second = run("--simulate", "--once", "--seed", "11", "--inject", "process_crash,process_crash");

        // Then
        assertThat(first.exit()).isZero();
        assertThat(second.out()).isEqualTo(first.out());
    }

    @Test
    void differentSeedsPrintDifferentTimelines() {
        // When
        Run one = run("--simulate", "--once", "--seed", "1");
        Run two = run("--simulate", "--once", "--seed", "2");

        // Then: different injection times or nodes, not only a different seed in the header and verdict
        assertThat(timelineOf(one.out())).isNotEqualTo(timelineOf(two.out()));
    }

    private static List<String> timelineOf(String out) {
        return out.lines().filter(line -> line.matches(" +\\d+\\.\\d{3}s  .*")).toList();
    }

    @Test
    void aTypeWithoutAStrategyIsNotRecoveredAndSaysWhy() {
        // When: a deadlock, with only the crash strategy run
        Run run = run("--simulate", "--once", "--inject", "deadlock", "--strategy", "process_crash",
                "--duration", "120");

        // Then
        assertThat(run.exit()).as(run.out()).isEqualTo(1);
        assertThat(run.out())
                .containsPattern("(?m)^ +\\d+\\.\\d{3}s  INJECTED   deadlock on node-\\d+: apply loop stuck$")
                .doesNotContain("DETECTED", "RECOVERED")
                .containsPattern("(?m)^  deadlock +node-\\d+ +\\d+\\.\\d{3}s +- +- +- +not detected: no strategy"
                        + " for deadlock$")
                .contains("  note: none of the strategies run handles deadlock")
                .endsWith("FAILED (seed 1): 1 of 1 injected faults not recovered" + System.lineSeparator());
    }

    @Test
    void aFaultThatHealsByItselfBeforeAnyStrategyActsCountsAsRecovered() {
        // When: a partition, which the simulation heals after 30 s, with only the crash strategy run
        Run run = run("--simulate", "--once", "--inject", "network_partition", "--strategy", "process_crash",
                "--duration", "120");

        // Then
        assertThat(run.exit()).as(run.out()).isZero();
        assertThat(run.out())
                .containsPattern("(?m)^ +\\d+\\.\\d{3}s  INJECTED   network_partition on node-\\d+: isolated")
                .containsPattern("(?m)^ +\\d+\\.\\d{3}s  HEALED     network_partition on node-\\d+ healed by itself$")
                .containsPattern("(?m)^  network_partition +node-\\d+ +\\d+\\.\\d{3}s +- +30\\.000s +- +healed by"
                        + " itself$");
    }

    @Test
    void aDryRunPlansTheRestartAndRecoversNothing() {
        // When
        Run run = run("--simulate", "--once", "--dry-run", "--duration", "60", "--inject", "process_crash");

        // Then
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).contains("(dry run: recoveries are planned, not carried out)")
                .containsPattern("ACTION     restart_node on 'node-\\d+': planned")
                .contains("not recovered (dry run)")
                .contains("FAILED (seed 1): 1 of 1 injected faults not recovered; the cluster was not healthy");
    }

    @Test
    void aDeadlineBeforeTheFirstInjectionFails() {
        // When: the first fault is due after the leader is elected and a 5 s warm-up
        Run run = run("--simulate", "--once", "--duration", "3", "--inject", "process_crash");

        // Then
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).contains("FAILED (seed 1): only 0 of 1 faults were injected before the deadline");
    }

    @Test
    void anUnknownInjectNameIsAUsageErrorListingTheTenTypes() {
        // When
        Run run = run("--simulate", "--inject", "process_crash,disk_on_fire");

        // Then
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).startsWith("recovery: --inject: unknown failure type 'disk_on_fire'; the types are ")
                .contains(FailureType.standard().stream().map(FailureType::name).toList())
                .hasLineCount(1);
    }

    @Test
    void configAndSimulateTogetherAreAUsageError() {
        // When
        Run run = run("--simulate", "--config", "cluster.json");

        // Then
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("recovery: --config and --simulate cannot be combined: a simulation brings"
                + " its own cluster (see --help)" + System.lineSeparator());
    }

    @Test
    void daemonAndSimulateTogetherAreAUsageError() {
        // When
        Run run = run("--simulate", "--daemon");

        // Then
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("--daemon and --simulate cannot be combined").hasLineCount(1);
    }

    @Test
    void timeoutDoesNotApplyToASimulation() {
        // When
        Run run = run("--simulate", "--timeout", "10");

        // Then
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("--duration limits a simulation").hasLineCount(1);
    }

    @Test
    void nodesOutsideOneToFifteenAreAUsageError() {
        // When
        Run none = run("--simulate", "--nodes", "0");
        Run many = run("--simulate", "--nodes", "16");

        // Then
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.err()).contains("--nodes must be in 1..15, but was 0");
        assertThat(many.exit()).isEqualTo(2);
        assertThat(many.err()).contains("--nodes must be in 1..15, but was 16");
    }

    @Test
    void aNonPositiveDurationIsAUsageError() {
        // When
        Run run = run("--simulate", "--duration", "-5");

        // Then
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("--duration must be a number of seconds > 0, but was -5.0").hasLineCount(1);
    }

    @Test
    void anUnknownStrategyIsAUsageError() {
        // When
        Run run = run("--simulate", "--strategy", "process_crsh");

        // Then
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("unknown strategy 'process_crsh'; known strategies: database_corruption,"
                        + " deadlock, log_corruption, network_partition, process_crash, resource_exhaustion,"
                        + " slow_follower, split_brain, state_divergence, term_divergence; known sets: all,"
                        + " availability, data, leadership, performance")
                .hasLineCount(1);
    }

    @Test
    void simulationOptionsWithoutSimulateAreAUsageError() {
        // When
        Run run = run("--seed", "3");

        // Then
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("--nodes, --seed, --inject and --duration need --simulate");
    }

    @Test
    void helpDescribesTheSimulationOptions() {
        // When
        Run run = run("--help");

        // Then
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("--simulate", "--nodes=N", "--seed=S", "--inject=TYPE[,TYPE...]",
                "--duration=SECONDS", "with or without --once");
    }
}
