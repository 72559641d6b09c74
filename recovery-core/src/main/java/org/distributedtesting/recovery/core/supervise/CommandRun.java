package org.distributedtesting.recovery.core.supervise;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of a short-lived command the daemon runs for a node (a maintenance command, a supervision command): its
 * standard output goes to a temporary file, read back bounded once it has ended, and a run that outlives its
 * deadline, or whose waiting thread is interrupted, is killed with every process it started. While it runs, it and
 * its children are no sign of a foreign copy of the node ({@link ForeignProcess#helperStarted}).
 *
 * <p>Not thread-safe: one thread starts, waits for and closes a run. {@link #close()} deletes the output file.
 */
final class CommandRun implements AutoCloseable {

    /** How long a killed command and its descendants get to be gone. */
    static final Duration KILL_TIMEOUT = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(CommandRun.class);

    private final Process process;
    private final Path stdout;
    private final String what;

    private CommandRun(Process process, Path stdout, String what) {
        this.process = process;
        this.stdout = stdout;
        this.what = what;
    }

    /**
     * Starts {@code builder}'s command with its standard output redirected to a new temporary file; the caller has
     * set the command, its directory, its environment and its standard error.
     *
     * @param what how logs name the command, e.g. {@code "maintenance command"}
     * @throws IOException if the output file cannot be made or the command cannot start; nothing is left behind
     */
    static CommandRun start(ProcessBuilder builder, String what) throws IOException {
        Objects.requireNonNull(what, "what");
        // a file rather than a pipe: nobody has to read it while the command runs, so it can never block on a full
        // pipe, and a grandchild that keeps it open cannot make the daemon wait
        Path output = Files.createTempFile("recovery-command-", ".out");
        try {
            Process process = builder.redirectOutput(Redirect.to(output.toFile())).start();
            ForeignProcess.helperStarted(process);
            return new CommandRun(process, output, what);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(output);
            throw e;
        }
    }

    /** The command's pid. */
    long pid() {
        return process.pid();
    }

    /**
     * Writes {@code input} (null: nothing) to the command's standard input and closes it; a command that exits
     * without reading it is judged by what it printed and its exit code.
     */
    void send(String input) {
        try (OutputStream in = process.getOutputStream()) {
            if (input != null) {
                in.write(input.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            LOG.debug("Could not write to the standard input of {} pid {} (it may not read it): {}", what,
                    process.pid(), e.getMessage());
        }
    }

    /**
     * Waits until the command has ended, at most {@code timeout}.
     *
     * @return true when it ended; false when it did not, and it and its descendants were killed
     * @throws InterruptedException if the thread was interrupted while waiting; the command was killed first
     */
    boolean finish(Duration timeout) throws InterruptedException {
        try {
            if (process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                return true;
            }
        } catch (InterruptedException e) {
            kill();
            throw e;
        }
        kill();
        return false;
    }

    /** The exit code of a command that {@link #finish finished}. */
    int exitCode() {
        return process.exitValue();
    }

    /** At most the first {@code max} + 1 bytes of standard output, so that a caller can tell "more than max". */
    byte[] stdout(int max) throws IOException {
        try (InputStream in = Files.newInputStream(stdout)) {
            return in.readNBytes(max + 1);
        }
    }

    /** Kills the command and every process it started, then waits (bounded) for the command to be gone. */
    private void kill() throws InterruptedException {
        // descendants first collected: once the command is dead, its children are re-parented and not found
        List<ProcessHandle> tree = Stream.concat(Stream.of(process.toHandle()), process.descendants()).toList();
        tree.forEach(ProcessHandle::destroyForcibly);
        if (!process.waitFor(KILL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            LOG.warn("{} pid {} still runs {} after SIGKILL", what, process.pid(), KILL_TIMEOUT);
        }
        LOG.info("Killed {} pid {} and its descendants {}", what, process.pid(),
                tree.stream().skip(1).map(ProcessHandle::pid).toList());
    }

    @Override
    public void close() {
        ForeignProcess.helperEnded(process);
        deleteQuietly(stdout);
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("Could not delete the temporary output file {} of a command", file, e);
        }
    }
}
