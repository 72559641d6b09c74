package org.distributedtesting.recovery.examples.ratis.harness;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The recovery daemon ({@code java -jar recovery.jar --config FILE --daemon --interval SECONDS}) as a child process.
 * Its standard output (the timeline) goes to {@value #STDOUT_FILE} and its log to {@value #STDERR_FILE}, both in the
 * directory given at start; {@link #lines()} reads the timeline back line by line.
 *
 * <p>Thread-safe. {@link #close()} stops it with SIGTERM (the daemon flushes its journal) and kills it when it does
 * not end within {@link #STOP_GRACE}.
 */
public final class DaemonProcess implements AutoCloseable {

    /** The daemon's standard output: its timeline. */
    public static final String STDOUT_FILE = "daemon.out";

    /** The daemon's standard error: its log. */
    public static final String STDERR_FILE = "daemon.err";

    /** How long the daemon gets to end after SIGTERM before it is killed. */
    public static final Duration STOP_GRACE = Duration.ofSeconds(10);

    /** The system property naming the daemon jar, for a harness built without one. */
    static final String JAR_PROPERTY = "recovery.daemon.jar";

    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private DaemonProcess(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /**
     * Starts the daemon and waits until it prints that it is watching the cluster.
     *
     * @param jar      the daemon jar ({@code recovery-strategies/target/recovery.jar})
     * @param config   the cluster configuration
     * @param interval the cycle interval ({@code --interval})
     * @param dir      where its output files go
     * @param ready    how long it may take to start
     * @throws IOException           if the process cannot be started
     * @throws IllegalStateException if the jar does not exist, or the daemon exits or stays silent at start; the
     *                               message holds what it printed
     */
    public static DaemonProcess start(Path jar, Path config, Duration interval, Path dir, Duration ready)
            throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("the daemon jar " + jar + " does not exist: build it with 'mvn -B package"
                    + " -pl recovery-strategies -am' or set -D" + JAR_PROPERTY);
        }
        Files.createDirectories(dir);
        Path out = dir.resolve(STDOUT_FILE);
        Path err = dir.resolve(STDERR_FILE);
        List<String> command = ChildJvm.command("-Xmx256m", List.of("-jar", jar.toString(), "--config",
                config.toString(), "--daemon", "--interval", String.format(Locale.ROOT, "%.3f",
                        interval.toMillis() / 1000.0)));
        Process process = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(err.toFile()))
                .start();
        process.getOutputStream().close();
        DaemonProcess daemon = new DaemonProcess(process, out, err);
        try {
            await("the daemon to start watching").atMost(ready).pollInterval(Duration.ofMillis(50))
                    .until(() -> !process.isAlive() || daemon.lines().stream().anyMatch(l -> l.startsWith("watching")));
        } catch (RuntimeException e) {
            daemon.close();
            throw new IllegalStateException("the daemon did not start within " + ready + ": " + daemon.output(), e);
        }
        if (!process.isAlive()) {
            throw new IllegalStateException("the daemon exited with code " + process.exitValue() + " at start: "
                    + daemon.output());
        }
        return daemon;
    }

    /** The lines the daemon printed so far (its timeline); a line still being written is left out. */
    public List<String> lines() {
        return completeLines(stdout);
    }

    /** The lines the daemon logged so far. */
    public List<String> logLines() {
        return completeLines(stderr);
    }

    /**
     * Waits for a printed line that matches.
     *
     * @return the first matching line
     * @throws org.awaitility.core.ConditionTimeoutException if none appears within {@code timeout}
     */
    public String awaitLine(Predicate<String> matching, Duration timeout) {
        return await("a daemon line").atMost(timeout).pollInterval(Duration.ofMillis(100))
                .until(() -> lines().stream().filter(matching).findFirst(), Optional::isPresent).orElseThrow();
    }

    /** Whether the process runs. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** The process id. */
    public long pid() {
        return process.pid();
    }

    /** The exit code, once it ended. */
    public Optional<Integer> exitCode() {
        return process.isAlive() ? Optional.empty() : Optional.of(process.exitValue());
    }

    /** Where the timeline is written. */
    public Path stdoutFile() {
        return stdout;
    }

    /** Where the log is written. */
    public Path stderrFile() {
        return stderr;
    }

    /** Stops the daemon: SIGTERM, then SIGKILL after {@link #STOP_GRACE}; returns once it has ended. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private String output() {
        List<String> all = new ArrayList<>(lines());
        all.addAll(logLines());
        return all.isEmpty() ? "(no output)" : String.join(" | ", all.subList(Math.max(0, all.size() - 20),
                all.size()));
    }

    static List<String> completeLines(Path file) {
        Objects.requireNonNull(file, "file");
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
        }
        int end = text.lastIndexOf('\n');
        return end < 0 ? List.of() : List.of(text.substring(0, end).split("\n", -1));
    }
}
