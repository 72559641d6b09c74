package org.distributedtesting.recovery.strategies.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged daemon refuses configurations that used to hang it, crash it or get through validation (issue 12,
 * item 5): exit code 2, one line on stderr naming the file, the key and the problem, no stack trace, at once.
 */
class BadConfigIT {

    /**
     * A refusal takes the JVM's start and one small read, about 0.4 s; the bound leaves room for a loaded CI
     * machine. Before the fix, a FIFO hung forever and {@code /dev/zero} took 20 s to end in an OutOfMemoryError.
     */
    private static final Duration AT_ONCE = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    @Test
    void aFifoIsRefused() throws Exception {
        Path fifo = dir.resolve("cluster.json");
        assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0, "mkfifo is needed");

        assertRefusedInOneLine(fifo, Map.of(), "recovery: config file '" + fifo + "' is a FIFO, not a regular file");
    }

    @Test
    void devZeroIsRefused() throws Exception {
        assumeTrue(Files.exists(Path.of("/dev/zero")), "/dev/zero is needed");

        assertRefusedInOneLine(Path.of("/dev/zero"), Map.of(),
                "recovery: config file '/dev/zero' is a character device, not a regular file");
    }

    @Test
    void aHostWithAPortIsRefused() throws Exception {
        Path config = config("127.0.0.1:18601", "");

        assertRefusedInOneLine(config, Map.of(), "recovery: " + config + ": nodes[0].host: must not include a port"
                + " (the port is nodes[0].port), but was '127.0.0.1:18601'");
    }

    @Test
    void aHostWithASchemeIsRefused() throws Exception {
        Path config = config("http://127.0.0.1", "");

        assertRefusedInOneLine(config, Map.of(), "recovery: " + config + ": nodes[0].host: must be a host name or"
                + " an IP address without a scheme such as http://, but was 'http://127.0.0.1'");
    }

    @Test
    void aHostWithALineBreakIsRefusedAndShownEscaped() throws Exception {
        Path config = config("node\\n1", "");

        assertRefusedInOneLine(config, Map.of(), "recovery: " + config + ": nodes[0].host: must not contain"
                + " whitespace or control characters, but was 'node\\n1'");
    }

    @Test
    void anUnknownStrategySettingIsRefused() throws Exception {
        Path config = config("127.0.0.1", ", \"strategies\": {\"slow_follower\": {\"max_lag_entires\": 5}}");

        assertRefusedInOneLine(config, Map.of(), "recovery: " + config + ": strategies.slow_follower"
                + ".max_lag_entires: unknown key 'max_lag_entires'; did you mean 'max_lag_entries'?");
    }

    @Test
    void aWrongStrategySettingIsRefused() throws Exception {
        Path config = config("127.0.0.1", ", \"strategies\": {\"slow_follower\": {\"max_lag_entries\": -5}}");

        assertRefusedInOneLine(config, Map.of(), "recovery: " + config + ": strategies.slow_follower"
                + ".max_lag_entries: must be > 0, but was -5");
    }

    @Test
    void aControlTokenWithALineBreakInTheEnvironmentIsRefused() throws Exception {
        Path config = config("127.0.0.1", "");

        assertRefusedInOneLine(config, Map.of("RECOVERY_CONTROL_TOKEN", "first\nsecond"), "recovery: " + config
                + ": control_token_env: the environment variable RECOVERY_CONTROL_TOKEN must hold the token as"
                + " printable ASCII without whitespace, but it has a line break at character 6");
    }

    private Path config(String host, String moreKeys) throws Exception {
        return Files.writeString(dir.resolve("cluster.json"), "{\"nodes\": [{\"id\": \"n1\", \"host\": \"" + host
                + "\", \"port\": 18601, \"data_dir\": \"d\"}], \"recovery_dir\": \"r\"" + moreKeys + "}");
    }

    private void assertRefusedInOneLine(Path config, Map<String, String> env, String line) throws Exception {
        long start = System.nanoTime();
        try (DaemonProcess daemon = DaemonProcess.start(dir, env, "--config", config.toString(), "--once",
                "--timeout", "30")) {
            int exit = daemon.exitCode(AT_ONCE);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(exit).as("exit code after %s; stderr: %s", took, daemon.err()).isEqualTo(2);
            assertThat(daemon.err()).isEqualTo(line + System.lineSeparator());
            assertThat(daemon.out()).isEmpty();
        }
    }
}
