package org.distributedtesting.recovery.examples.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedding example as a real process: SIGTERM stops the engine through the shutdown hook, and the journal's
 * {@code recovery_log.json} is written, holding every record of the journal. Without the hook (the README's example
 * before) the file was never written.
 */
class EmbeddedShutdownIT {

    @TempDir
    Path dir;

    @Test
    void sigtermWritesTheRecoveryLogWithEveryJournalRecord() throws Exception {
        // Given an application embedding the engine, watching a node that does not answer (so the journal fills)
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Path config = dir.resolve("cluster.json");
        Files.writeString(config, "{\"nodes\": [{\"id\": \"node-1\", \"host\": \"127.0.0.1\", \"port\": " + port
                + ", \"data_dir\": \"node-1\"}], \"recovery_dir\": \"recovery\","
                + " \"recovery_options\": {\"confirmations\": 1, \"verify_interval\": 0.2}}");
        Path out = dir.resolve("app.out");
        Process app = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-cp", System.getProperty("java.class.path"), EmbeddedRecovery.class.getName(),
                config.toString(), "0.2")).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            Path journal = dir.resolve("recovery").resolve("recovery-journal.jsonl");
            await("a journal record").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> Files.exists(journal) && Files.size(journal) > 0);

            // When
            app.destroy(); // SIGTERM

            // Then
            assertThat(app.waitFor(30, TimeUnit.SECONDS)).as("stopped; output:%n%s", Files.readString(out)).isTrue();
            Path log = dir.resolve("recovery").resolve("recovery_log.json");
            assertThat(log).as("output:%n%s", Files.readString(out)).isRegularFile();
            long records = Files.readAllLines(journal).stream().filter(l -> !l.isBlank()).count();
            assertThat(records).isPositive();
            assertThat(Files.readString(log).split("\"action\"", -1)).hasSize((int) records + 1);
        } finally {
            app.destroyForcibly();
        }
    }

    @Test
    void closeIsIdempotentAndWritesTheLogOnce() throws IOException {
        // Given
        Path config = dir.resolve("cluster.json");
        Files.writeString(config, "{\"nodes\": [{\"id\": \"node-1\", \"host\": \"127.0.0.1\", \"port\": 9,"
                + " \"data_dir\": \"node-1\"}], \"recovery_dir\": \"recovery\"}");
        EmbeddedRecovery recovery = EmbeddedRecovery.open(config);

        // When
        recovery.close();
        recovery.close();

        // Then
        assertThat(dir.resolve("recovery").resolve("recovery_log.json")).isRegularFile();
    }
}
