package org.distributedtesting.recovery.core.supervise;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.distributedtesting.recovery.ProcessStatus;

/**
 * One process a {@link LocalProcessSupervisor} watches: a child it started (a {@link Process}, which the JDK reaps
 * and whose exit code it keeps) or a process it adopted from a pid file (only a {@link ProcessHandle}: its exit
 * code is lost when it ends).
 *
 * <p>Thread-safe: the status of an ended process is computed once and kept in a volatile field.
 */
final class SupervisedProcess {

    /** How often processes that are not children of this JVM are checked while waiting for them to end. */
    static final Duration POLL_INTERVAL = Duration.ofMillis(20);

    private final ProcessHandle handle;
    private final Optional<Process> child;
    private final PidFile pidFile;
    private final Optional<Path> output;
    /** The status once the process has ended, which cannot change again; null while it runs. */
    private volatile ProcessStatus ended;

    private SupervisedProcess(ProcessHandle handle, Optional<Process> child, PidFile pidFile, Optional<Path> output) {
        this.handle = Objects.requireNonNull(handle, "handle");
        this.child = Objects.requireNonNull(child, "child");
        this.pidFile = Objects.requireNonNull(pidFile, "pidFile");
        this.output = Objects.requireNonNull(output, "output");
    }

    /** A child this supervisor started, its output appended to {@code output}. */
    static SupervisedProcess started(Process process, PidFile pidFile, Path output) {
        return new SupervisedProcess(process.toHandle(), Optional.of(process), pidFile, Optional.of(output));
    }

    static SupervisedProcess adopted(ProcessHandle handle, PidFile pidFile) {
        return new SupervisedProcess(handle, Optional.empty(), pidFile, Optional.empty());
    }

    /** Completes when the process ends (at once when it has ended already). */
    java.util.concurrent.CompletableFuture<?> onExit() {
        return child.<java.util.concurrent.CompletableFuture<?>>map(Process::onExit).orElseGet(handle::onExit);
    }

    long pid() {
        return handle.pid();
    }

    PidFile pidFile() {
        return pidFile;
    }

    /**
     * For a child, alive until the JDK has reaped it, so a dead child's exit code is always known; an adopted
     * process counts as ended once it is a zombie.
     */
    boolean isAlive() {
        return child.map(Process::isAlive).orElseGet(() -> ProcessLiveness.isRunning(handle));
    }

    /**
     * Alive while it runs; once ended, the exit code of a child, and for a child that ended by itself (it failed to
     * start, or failed while running) the last lines of its output, so that the journal says why.
     */
    ProcessStatus status() {
        if (isAlive()) {
            return ProcessStatus.alive(pid());
        }
        ProcessStatus known = ended;
        if (known != null) {
            return known;
        }
        ProcessStatus status = child.map(process -> ProcessStatus.exited(pid(), process.exitValue()))
                .orElseGet(() -> ProcessStatus.dead("adopted process " + pid() + " ended"));
        if (status.endedByItself()) {
            Optional<String> tail = output.flatMap(log -> OutputTail.of(log, LocalProcessSupervisor.HEADER));
            if (tail.isPresent()) {
                status = new ProcessStatus(status.liveness(), status.pid(), status.exitCode(),
                        status.detail() + "; its output ends: " + tail.get());
            }
        }
        ended = status;
        return status;
    }

    /** The process and its descendants that run now, root first. */
    List<ProcessHandle> liveTree() {
        return Stream.concat(Stream.of(handle), handle.descendants()).filter(ProcessLiveness::isRunning).toList();
    }

    /** {@code earlier} and {@link #liveTree()} together, without duplicates, keeping only those that still run. */
    List<ProcessHandle> stillAlive(List<ProcessHandle> earlier) {
        Map<Long, ProcessHandle> byPid = new LinkedHashMap<>();
        Stream.concat(earlier.stream(), liveTree().stream()).filter(ProcessLiveness::isRunning)
                .forEach(h -> byPid.putIfAbsent(h.pid(), h));
        return List.copyOf(byPid.values());
    }

    /**
     * Waits until every one of {@code processes} has ended, at most {@code timeout}.
     *
     * @return whether they all ended in time
     */
    boolean awaitExit(List<ProcessHandle> processes, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (child.isPresent()) {
            // every stop ends the child; its exit future completes once the JDK has reaped it and knows its code
            try {
                child.get().onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                return false;
            } catch (ExecutionException e) {
                throw new IllegalStateException("waiting for the end of process " + pid() + " failed", e.getCause());
            }
        }
        // The JDK's onExit() of a process that is not its child polls with a back-off that grows to seconds and
        // waits for a zombie to be reaped; poll here instead, counting a zombie as ended.
        while (processes.stream().anyMatch(ProcessLiveness::isRunning)) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            Thread.sleep(POLL_INTERVAL.toMillis());
        }
        return true;
    }
}
