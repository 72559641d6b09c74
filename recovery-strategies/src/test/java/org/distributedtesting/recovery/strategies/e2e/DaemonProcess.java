package org.distributedtesting.recovery.strategies.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The packaged daemon jar run as a child process, its output in files. */
final class DaemonProcess implements AutoCloseable {

    static final Path JAR = Path.of("target", "recovery.jar").toAbsolutePath();

    final Process process;
    final Path stdout;
    final Path stderr;

    private DaemonProcess(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    static DaemonProcess start(Path dir, String... args) throws IOException {
        return start(dir, Map.of(), args);
    }

    /** Starts the daemon with {@code env} added to this JVM's environment. */
    static DaemonProcess start(Path dir, Map<String, String> env, String... args) throws IOException {
        return start(dir, env, false, args);
    }

    private static DaemonProcess start(Path dir, Map<String, String> env, boolean ownGroup, String... args)
            throws IOException {
        List<String> command = new ArrayList<>(ownGroup ? List.of("setsid") : List.of());
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx64m", "-jar", JAR.toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "daemon", ".out");
        Path err = Files.createTempFile(dir, "daemon", ".err");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().putAll(env);
        Process p = builder.start();
        return new DaemonProcess(p, out, err);
    }

    /**
     * Starts the daemon as the leader of a session and process group of its own ({@code setsid}, which execs in
     * place: the process is the daemon's JVM), with {@code env} added, as a shell or systemd starts it.
     */
    static DaemonProcess startInOwnGroup(Path dir, Map<String, String> env, String... args) throws IOException {
        return start(dir, env, true, args);
    }

    /** Sends SIGTERM to the daemon's whole process group ({@code kill -TERM -PGID}), as systemd's default does. */
    void terminateGroup() throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-TERM", "--", "-" + process.pid()).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -TERM -" + process.pid() + " exited with " + kill.exitValue());
        }
    }

    /** Waits for the exit code; fails the test when it takes longer than {@code limit}. */
    int exitCode(Duration limit) throws InterruptedException, IOException {
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("daemon still running after " + limit + "; stdout:\n" + out() + "\nstderr:\n"
                    + err());
        }
        return process.exitValue();
    }

    /** Kills the daemon with SIGKILL, as a crash would, and waits until it is gone. */
    void crash() throws InterruptedException, IOException {
        process.destroyForcibly();
        exitCode(Duration.ofSeconds(30));
    }

    /** Stops the daemon with SIGTERM, as systemd does, and waits until it has exited; fails after {@code limit}. */
    void stop(Duration limit) throws InterruptedException, IOException {
        process.destroy();
        exitCode(limit);
    }

    String out() throws IOException {
        return Files.readString(stdout);
    }

    String err() throws IOException {
        return Files.readString(stderr);
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
