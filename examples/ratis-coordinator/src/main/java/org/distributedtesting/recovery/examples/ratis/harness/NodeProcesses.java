package org.distributedtesting.recovery.examples.ratis.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.core.supervise.LocalProcessSupervisor;

/**
 * The cluster's node processes. They are started through a {@link LocalProcessSupervisor}, which writes
 * {@code node.pid} and {@code node.log} into each node's data directory, and the daemon adopts them from their pid
 * files: a node killed later is restarted by the daemon, never by the harness. So the pid file, not the process
 * started here, names a node's current process.
 *
 * <p>Not thread-safe: used by the thread that drives the harness.
 */
final class NodeProcesses implements AutoCloseable {

    private static final Duration KILL_WAIT = Duration.ofSeconds(10);

    /**
     * A node process killed with SIGKILL.
     *
     * @param pid the process id
     * @param at  when the signal was sent
     */
    record Killed(long pid, Instant at) {
    }

    private final ClusterLayout layout;
    private final LocalProcessSupervisor starter = new LocalProcessSupervisor();
    private final List<ProcessHandle> started = new ArrayList<>();

    NodeProcesses(ClusterLayout layout) {
        this.layout = layout;
    }

    /**
     * Starts every node with the command the daemon's config names for it.
     *
     * @throws org.distributedtesting.recovery.core.supervise.SupervisionException if a process cannot be started
     */
    void startAll() {
        for (NodeSpec spec : layout.specs()) {
            starter.start(spec).pid().stream().mapToObj(ProcessHandle::of).flatMap(Optional::stream)
                    .forEach(started::add);
        }
    }

    /** The pid the node's {@code node.pid} names, if the file holds one. */
    OptionalLong pid(String id) {
        Path file = layout.spec(id).dataDir().resolve(LocalProcessSupervisor.PID_FILE);
        try {
            return OptionalLong.of(Long.parseLong(Files.readString(file).strip()));
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /**
     * SIGKILL of the node's process (the one its {@code node.pid} names); returns once it has ended.
     *
     * @throws IllegalStateException if the node has no live process, or it does not end
     */
    Killed kill(String node) {
        OptionalLong pid = pid(node);
        ProcessHandle process = pid.stream().mapToObj(ProcessHandle::of).flatMap(Optional::stream)
                .filter(ProcessHandle::isAlive).findFirst().orElseThrow(() -> new IllegalStateException("'" + node
                        + "' has no live process to kill (node.pid: " + pid + ")"));
        String dataDir = layout.spec(node).dataDir().toString();
        if (!runsIn(process, dataDir, true)) {
            throw new IllegalStateException("pid " + process.pid() + " of '" + node + "' is not a node of "
                    + dataDir + ": " + CommandLines.of(process).orElse("?"));
        }
        process.destroyForcibly();
        Instant at = Instant.now();
        try {
            process.onExit().get(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for pid " + process.pid() + " to end", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("pid " + process.pid() + " of '" + node + "' did not end within "
                    + KILL_WAIT + " of SIGKILL", e);
        }
        return new Killed(process.pid(), at);
    }

    /** Stops every node process, those the daemon restarted too (found through their pid files). */
    @Override
    public void close() {
        try (LocalProcessSupervisor adopting = new LocalProcessSupervisor()) {
            for (NodeSpec spec : layout.specs()) {
                adopting.status(spec);
                adopting.stop(spec, Duration.ZERO);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | LinkageError e) {
            System.err.println("stopping the nodes through their pid files failed: " + e);
        } finally {
            // whatever went wrong above, no node process outlives the harness: those it started, and those the
            // daemon restarted (named by the pid files) when their command line names the node's data directory
            for (ProcessHandle process : started) {
                process.destroyForcibly();
            }
            for (NodeSpec spec : layout.specs()) {
                String dataDir = spec.dataDir().toString();
                pid(spec.id().value()).stream().mapToObj(ProcessHandle::of).flatMap(Optional::stream)
                        .filter(p -> runsIn(p, dataDir, false)).forEach(ProcessHandle::destroyForcibly);
            }
            starter.close();
        }
    }

    /**
     * Whether the process' command line names the node's data directory: a pid file outlives its process, and its
     * pid may be reused by another. {@code ifUnknown} when the command line cannot be read.
     */
    private static boolean runsIn(ProcessHandle process, String dataDir, boolean ifUnknown) {
        return CommandLines.of(process).map(c -> c.contains(dataDir)).orElse(ifUnknown);
    }
}
