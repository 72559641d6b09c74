package org.distributedtesting.recovery.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.distributedtesting.recovery.JournalRecord;
import org.distributedtesting.recovery.core.journal.FileRecoveryJournal;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control token never reaches a log line, the journal or the recovery log, even when nodes echo it back or a
 * caller presents it wrapped in other text. {@link TokenSecrecyMain} runs in its own JVM so that its SLF4J Simple
 * logging can be set to TRACE and written to a file without touching this JVM's logging.
 */
class TokenSecrecyTest {

    private static final long CHILD_TIMEOUT_SECONDS = 60;

    @TempDir
    static Path dir;

    private static String token;
    private static int exitCode;
    private static String log;
    private static String output;
    private static Path recoveryDir;

    @BeforeAll
    static void runTheChild() throws Exception {
        token = "secret-" + UUID.randomUUID();
        recoveryDir = dir.resolve("recovery");
        Path logFile = dir.resolve("child.log");
        Path outFile = dir.resolve("child.out");
        ProcessBuilder builder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:TieredStopAtLevel=1",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=trace",
                "-Dorg.slf4j.simpleLogger.logFile=" + logFile,
                // surefire's class path may be a manifest-only jar; as -cp it still brings its Class-Path
                "-cp", System.getProperty("java.class.path"),
                TokenSecrecyMain.class.getName(), recoveryDir.toString())
                .redirectErrorStream(true)
                .redirectOutput(Redirect.to(outFile.toFile()));
        builder.environment().put(TokenSecrecyMain.TOKEN_VARIABLE, token);
        Process child = builder.start();
        child.getOutputStream().close();
        if (!child.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            child.destroyForcibly();
            throw new AssertionError("the child did not finish in " + CHILD_TIMEOUT_SECONDS + " s: "
                    + Files.readString(outFile));
        }
        exitCode = child.exitValue();
        log = Files.readString(logFile);
        output = Files.readString(outFile);
    }

    @Test
    void theChildRanTheWholeScenario() {
        assertThat(exitCode).as(output).isZero();
        assertThat(output).contains("impostor: POST /api/control/elections failed: node answered HTTP 401", "done");
    }

    @Test
    void theLogShowsTheActionsAndTheRefusalButNeverTheToken() {
        // the log is a real TRACE log of what happened, so its silence on the token means something
        assertThat(log).contains("Node 'node-1' carries out resume_elections",
                "Node 'node-1' refused POST /api/control/elections", "wrong bearer token",
                "Probe of node 'node-3' failed", "details withheld: the response quotes the bearer token");
        assertThat(log).doesNotContain(token);
    }

    @Test
    void theJournalRecordsTheEchoRedactedAndNeverTheToken() throws IOException {
        List<JournalRecord> journal = FileRecoveryJournal.read(
                recoveryDir.resolve(FileRecoveryJournal.JOURNAL_FILE_NAME));

        assertThat(journal).filteredOn(r -> r.action().equals("resume_elections"))
                .extracting(r -> r.details().get("node_id") + ": " + r.details().get("detail"))
                .contains("node-1: elections resumed", "node-2: echo Bearer [redacted]");
        try (Stream<Path> files = Files.list(recoveryDir)) {
            List<Path> written = files.filter(Files::isRegularFile).toList();
            assertThat(written).extracting(p -> p.getFileName().toString())
                    .contains(FileRecoveryJournal.JOURNAL_FILE_NAME, FileRecoveryJournal.RECOVERY_LOG_FILE_NAME);
            for (Path file : written) {
                assertThat(new String(Files.readAllBytes(file), StandardCharsets.UTF_8)).as(file.toString())
                        .doesNotContain(token);
            }
        }
    }

    @Test
    void theChildsOutputNeverShowsTheToken() {
        assertThat(output).doesNotContain(token);
    }
}
