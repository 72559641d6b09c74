package org.distributedtesting.recovery.strategies.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.JournalRecord;
import org.distributedtesting.recovery.core.journal.FileRecoveryJournal;
import org.distributedtesting.recovery.core.sim.FaultOutcome;
import org.distributedtesting.recovery.core.sim.Scenario;
import org.distributedtesting.recovery.core.sim.ScenarioResult;
import org.distributedtesting.recovery.strategies.ProcessCrashStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The built-in crash strategy on the simulated cluster, through the unmodified engine. */
class SimulatedCrashRecoveryTest {

    private static ScenarioResult run(int nodes, long seed, FailureType... faults) {
        return Scenario.builder().nodes(nodes).seed(seed).inject(faults)
                .strategies(List.of(new ProcessCrashStrategy())).build().run();
    }

    @ParameterizedTest
    @CsvSource({"3,1", "3,2", "3,3", "5,1", "5,2", "5,3", "5,42"})
    void aCrashedNodeIsDetectedRestartedAndVerified(int nodes, long seed) {
        ScenarioResult result = run(nodes, seed, FailureType.PROCESS_CRASH);

        assertThat(result.passed()).as(String.join("\n", result.trace())).isTrue();
        FaultOutcome crash = result.faults().get(0);
        assertThat(crash.rungs()).containsExactly("restart");
        // no damping: a process that ended is certain, confirmed in the first cycle (a second apart) that sees it
        assertThat(crash.timeToDetect().orElseThrow()).isBetween(0L, 1_000L);
        assertThat(result.journal()).extracting(JournalRecord::action)
                .containsSubsequence("failure_detected", "restart_node", "recovery_verified");
        assertThat(result.acknowledged()).isGreaterThan(20);
    }

    @Test
    void theSameSeedGivesByteIdenticalJournalsAndTraces(@TempDir Path dir) throws Exception {
        List<String> traceA = journaledRun(dir.resolve("a"), 77);
        List<String> traceB = journaledRun(dir.resolve("b"), 77);

        byte[] journalA = Files.readAllBytes(dir.resolve("a").resolve(FileRecoveryJournal.JOURNAL_FILE_NAME));
        byte[] journalB = Files.readAllBytes(dir.resolve("b").resolve(FileRecoveryJournal.JOURNAL_FILE_NAME));
        assertThat(journalA).isNotEmpty().isEqualTo(journalB);
        assertThat(String.join("\n", traceA)).isEqualTo(String.join("\n", traceB));
    }

    private static List<String> journaledRun(Path dir, long seed) throws Exception {
        Files.createDirectories(dir);
        try (FileRecoveryJournal journal = FileRecoveryJournal.open(dir)) {
            return Scenario.builder().nodes(5).seed(seed).inject(FailureType.PROCESS_CRASH).journal(journal)
                    .strategies(List.of(new ProcessCrashStrategy())).build().run().trace();
        }
    }

    @Test
    void differentSeedsGiveDifferentRuns() {
        ScenarioResult a = run(5, 77, FailureType.PROCESS_CRASH);
        ScenarioResult b = run(5, 78, FailureType.PROCESS_CRASH);

        assertThat(String.join("\n", a.trace())).isNotEqualTo(String.join("\n", b.trace()));
    }

    @Test
    void aFaultWithoutAStrategyIsReportedUnrecoveredInsteadOfPassing() {
        ScenarioResult result = Scenario.builder().nodes(3).seed(5).inject(FailureType.DEADLOCK)
                .strategies(List.of(new ProcessCrashStrategy()))
                .maxDuration(java.time.Duration.ofMinutes(2)).build().run();

        assertThat(result.passed()).isFalse();
        assertThat(result.faults().get(0).recovered()).isFalse();
    }
}
