package org.distributedtesting.recovery.strategies.monitor;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs Prometheus' {@code promtool} (Debian's {@code prometheus} package ships it) and returns its exit code and
 * output. A machine without it gets an {@link AssertionError} that says how to install it, never a skipped test:
 * these checks are the only proof that the shipped rules load.
 *
 * <p>Stateless; thread-safe.
 */
public final class Promtool {

    /** How to get promtool on a Debian or Ubuntu machine; {@code .ci/run} does this when it is missing. */
    public static final String INSTALL_HINT = "promtool is not installed; it comes with Debian's 'prometheus' package:"
            + " sudo apt-get update && sudo apt-get install -y --no-install-recommends prometheus"
            + " (or put a promtool from prometheus.io on the PATH)";
    private static final long TIMEOUT_SECONDS = 60;

    private Promtool() {
    }

    /** What one run of promtool did. */
    public record Result(List<String> command, int exitCode, String output) {

        /** Whether promtool exited with 0. */
        public boolean succeeded() {
            return exitCode == 0;
        }

        /** The command, its exit code and everything it printed, for an assertion's message. */
        public String describe() {
            return String.join(" ", command) + " exited with " + exitCode + ":\n" + output;
        }
    }

    /**
     * Runs {@code promtool args...} and waits for it.
     *
     * @throws AssertionError        if promtool is not installed (with {@link #INSTALL_HINT})
     * @throws IllegalStateException if it runs for longer than a minute
     */
    public static Result run(String... args) {
        Path promtool = find();
        List<String> command = new ArrayList<>();
        command.add(promtool.toString());
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            // promtool prints a few lines; reading to the end before waiting cannot fill a pipe and block it
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not end within "
                        + TIMEOUT_SECONDS + " s");
            }
            return new Result(List.copyOf(command), process.exitValue(), output);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new InterruptedIOException("interrupted while " + command + " ran"));
        }
    }

    /**
     * The promtool on the {@code PATH}.
     *
     * @throws AssertionError if there is none (with {@link #INSTALL_HINT})
     */
    public static Path find() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, "promtool");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError(INSTALL_HINT + "; searched PATH=" + path);
    }
}
