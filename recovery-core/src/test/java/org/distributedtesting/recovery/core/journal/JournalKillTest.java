package org.distributedtesting.recovery.core.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.distributedtesting.recovery.JournalRecord;
import org.distributedtesting.recovery.RecoveryException;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a JVM that is appending to a journal with SIGKILL, and checks that every record it acknowledged is in
 * the file, once and in order, and that the file parses. SIGKILL and its exit code 137 are POSIX.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
class JournalKillTest {

    private static final int ACKS_BEFORE_KILL = 200;
    private static final long MAX_RECORDS = 1_000_000; // far more than a run reaches: only a safety stop
    private static final int SIGKILL_EXIT_CODE = 128 + 9;
    private static final Duration BOUND = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @RepeatedTest(3)
    void everyAcknowledgedRecordSurvivesSigkillOfTheWriter() throws Exception {
        // Given a child JVM appending to a journal and acknowledging each record on stdout
        Path recoveryDir = dir.resolve("recovery");
        Path childErr = dir.resolve("child-stderr.txt");
        Process child = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                // surefire's class path may be a manifest-only jar; as -cp it still brings its Class-Path
                "-cp", System.getProperty("java.class.path"),
                JournalAppenderMain.class.getName(), recoveryDir.toString(), Long.toString(MAX_RECORDS))
                .redirectError(Redirect.to(childErr.toFile()))
                .start();
        child.getOutputStream().close(); // the child reads nothing
        Queue<String> acks = new ConcurrentLinkedQueue<>();
        AtomicReference<IOException> readFailure = new AtomicReference<>();
        Thread reader = new Thread(() -> readLines(child, acks, readFailure), "journal-child-stdout");
        reader.setDaemon(true);
        reader.start();
        try {
            await().atMost(BOUND).until(() -> acks.size() >= ACKS_BEFORE_KILL || !child.isAlive());
            assertThat(child.isAlive()).as(() -> "child ended early:\n" + readQuietly(childErr)).isTrue();
            assertThatThrownBy(() -> FileRecoveryJournal.open(recoveryDir))
                    .as("a second writer while the child holds the journal")
                    .isInstanceOf(RecoveryException.class)
                    .hasMessageContaining("open in another process");

            // When it is killed with SIGKILL in the middle of its loop; through its handle, because
            // Process.destroyForcibly() also closes our end of its stdout and would lose the last acknowledgements
            assertThat(child.toHandle().destroyForcibly()).isTrue();
            assertThat(child.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
        } finally {
            if (child.isAlive()) {
                child.destroyForcibly();
            }
        }
        assertThat(child.exitValue()).isEqualTo(SIGKILL_EXIT_CODE);
        // every acknowledgement the child printed before it died, up to end of stream
        await().atMost(BOUND).until(() -> !reader.isAlive());
        assertThat(readFailure.get()).as("reading the child's stdout").isNull();

        // Then the acknowledgements are 0..maxAck, and the file holds each of those records once, in order
        List<String> ackLines = List.copyOf(acks);
        long maxAck = ackLines.size() - 1;
        assertThat(maxAck).isGreaterThanOrEqualTo(ACKS_BEFORE_KILL - 1);
        assertThat(ackLines).isEqualTo(LongStream.rangeClosed(0, maxAck).mapToObj(n -> "ACK " + n).toList());

        Path journalFile = recoveryDir.resolve(FileRecoveryJournal.JOURNAL_FILE_NAME);
        List<JournalRecord> read = FileRecoveryJournal.read(journalFile);
        List<Object> seqs = read.stream().map(r -> r.details().get("seq")).collect(Collectors.toList());
        // one more than acknowledged is allowed: its append returned but the kill came before its ACK
        assertThat((long) seqs.size()).isBetween(maxAck + 1, maxAck + 2);
        assertThat(seqs).isEqualTo(LongStream.range(0, seqs.size()).boxed().collect(Collectors.toList()));

        // and a reopen sees the same records, leaving a file that parses to its last byte
        try (FileRecoveryJournal reopened = FileRecoveryJournal.open(recoveryDir)) {
            assertThat(reopened.records()).isEqualTo(read);
        }
        assertThat(Files.readString(journalFile)).endsWith("\n");
        assertThat(FileRecoveryJournal.read(journalFile)).isEqualTo(read);
        assertThat(tornTails(recoveryDir)).allSatisfy(tail -> assertThat(tail).doesNotContain("\n"));
    }

    private static void readLines(Process child, Queue<String> acks, AtomicReference<IOException> failure) {
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                acks.add(line);
            }
        } catch (IOException e) {
            failure.set(e);
        }
    }

    private static List<String> tornTails(Path recoveryDir) throws IOException {
        try (Stream<Path> files = Files.list(recoveryDir)) {
            return files.filter(p -> p.getFileName().toString().contains(".torn-"))
                    .map(JournalKillTest::read).toList();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(could not read " + file + ": " + e + ")";
        }
    }
}
