package org.distributedtesting.recovery.core.supervise;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.ProcessStatus;
import org.distributedtesting.recovery.spi.ProcessSupervisor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Supervises nodes that run as local child processes, started from {@link NodeSpec#startCommand()}.
 *
 * <p>In every argument of the start command, {@code {id}}, {@code {host}}, {@code {port}} and {@code {data_dir}}
 * (absolute) are replaced by the node's values. The process runs in the node's data directory; its standard
 * output and error are appended to {@value #LOG_FILE} there, after a header line with the time and the command,
 * and its pid is written to {@value #PID_FILE}. A node this supervisor did not start, whose pid file names a live
 * process (started by an earlier run of the daemon), is adopted: reported alive and stopped on request, although
 * its exit code cannot be known; so is a node started by another tool whose pid file the node's spec names
 * ({@link NodeSpec#pidFile()}, config {@code pid_file}). A node with no such process is dead only when nothing
 * suggests that something else runs it (no process of the node's program names its data directory, and no process
 * works in it or holds a file there open); otherwise its liveness is unknown, and {@link #start} refuses to start a
 * second copy on its data directory. The node's port is no sign: a proxy in front of the node accepts connections
 * while the node is down.
 *
 * <p>Each process starts in a session and process group of its own, through {@code setsid} where it is on the
 * {@code PATH} (util-linux; it runs the command in place, so the pid recorded is the node's own): a signal to the
 * daemon's process group (a wrapper such as {@code timeout} or a shell that is stopped, Ctrl-C in a terminal,
 * {@code kill -TERM -PGID}) does not reach the nodes. Without {@code setsid} the nodes stay in the daemon's process
 * group, and a warning says so once. systemd kills by control group, not process group: a unit running the daemon
 * needs {@code KillMode=process} for its nodes to outlive it. The control token, when the supervisor has one,
 * is in the process's environment as {@value #TOKEN_ENV} (removed from the inherited environment when there is
 * none), never in its arguments or in {@value #LOG_FILE}.
 *
 * <p>{@link #close()} leaves the processes running, so that restarting the daemon does not take the cluster down;
 * a supervisor made by {@link #stoppingOnClose(Duration)} stops them.
 *
 * <p>Thread-safe. Start and stop of one node are serialized; {@link #status(NodeSpec)} never waits for them.
 */
public final class LocalProcessSupervisor implements ProcessSupervisor {

    /** File in the node's data directory that receives the process's output. */
    public static final String LOG_FILE = "node.log";

    /** File in the node's data directory that holds the process id. */
    public static final String PID_FILE = PidFile.NAME;

    /** How each header line this supervisor writes to {@value #LOG_FILE} before a start begins. */
    static final String HEADER = "--- started by coordinator-recovery at ";

    /** How long processes get to end after SIGKILL before {@link #stop} gives up. */
    public static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);

    /** The environment variable that carries the control token to the node's process. */
    public static final String TOKEN_ENV = MaintenanceCommandControl.TOKEN_ENV;

    private static final Logger LOG = LoggerFactory.getLogger(LocalProcessSupervisor.class);

    /** The {@code setsid} program that starts a node in a session of its own, when this host has one. */
    private static final Optional<Path> SETSID = NewSession.program();

    private final Clock clock;
    private final Optional<Duration> stopOnCloseGrace;
    private final Supplier<String> token;

    /**
     * One slot per node asked about. A slot's monitor serializes start, stop and close of its node. The slot's
     * process reference is written under that monitor, or by status() with a compare-and-set from empty when it
     * adopts a process, and is read without the monitor so that status() never waits for a stop's grace period.
     */
    private final ConcurrentMap<NodeId, Slot> slots = new ConcurrentHashMap<>();
    /** Why the last start of a node failed, until one succeeds: such a node is down, no longer never started. */
    private final ConcurrentMap<NodeId, String> failedStarts = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Consumer<NodeId> exitListener = node -> { };

    /** A supervisor that stamps {@value #LOG_FILE} with the system clock and leaves processes running on close. */
    public LocalProcessSupervisor() {
        this(Clock.systemUTC());
    }

    /**
     * A supervisor that leaves processes running on close.
     *
     * @param clock stamps the header lines written to {@value #LOG_FILE}
     * @throws NullPointerException if {@code clock} is null
     */
    public LocalProcessSupervisor(Clock clock) {
        this(clock, Optional.empty(), null);
    }

    /**
     * A supervisor that leaves processes running on close, and gives each process it starts the control token in
     * the environment variable {@value #TOKEN_ENV}, so that a node embedding the node protocol server checks the
     * token the daemon sends.
     *
     * @param clock stamps the header lines written to {@value #LOG_FILE}
     * @param token the control token, asked for at every start so that it can rotate; null, or a supplier that
     *              returns null or blank, when there is none
     * @throws NullPointerException if {@code clock} is null
     */
    public LocalProcessSupervisor(Clock clock, Supplier<String> token) {
        this(clock, Optional.empty(), token);
    }

    private LocalProcessSupervisor(Clock clock, Optional<Duration> stopOnCloseGrace, Supplier<String> token) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.stopOnCloseGrace = stopOnCloseGrace;
        this.token = token == null ? () -> null : token;
    }

    /**
     * A supervisor whose {@link #close()} stops every process it supervises, as {@link #stop} does.
     *
     * @param grace time each process gets to end after SIGTERM before it is killed
     * @throws NullPointerException if {@code grace} is null
     * @throws IllegalArgumentException if {@code grace} is negative
     */
    public static LocalProcessSupervisor stoppingOnClose(Duration grace) {
        return stoppingOnClose(grace, Clock.systemUTC());
    }

    /**
     * A supervisor whose {@link #close()} stops every process it supervises, as {@link #stop} does.
     *
     * @param grace time each process gets to end after SIGTERM before it is killed
     * @param clock stamps the header lines written to {@value #LOG_FILE}
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code grace} is negative
     */
    public static LocalProcessSupervisor stoppingOnClose(Duration grace, Clock clock) {
        return new LocalProcessSupervisor(clock, Optional.of(requireGrace(grace)), null);
    }

    /**
     * Alive with the pid while the process runs; after it ended, its exit code (128 + signal for a process killed
     * by a signal, so 137 after SIGKILL), and for a process that ended by itself the last lines of its output. A
     * node never started here is adopted when its pid file, or the pid file of the tool that started it, names a
     * live process; otherwise it is {@linkplain ProcessStatus#notStarted() not started} when its data directory has no
     * pid file and nothing suggests that something else runs it, dead ("not running (last pid N)") when a pid file
     * names a process that has ended, and unknown when something may run it, or when the node has no start command.
     */
    @Override
    public ProcessStatus status(NodeSpec node) {
        Objects.requireNonNull(node, "node");
        Optional<SupervisedProcess> process;
        try {
            process = current(node);
        } catch (IOException | RuntimeException e) {
            return new ProcessStatus(ProcessStatus.Liveness.UNKNOWN, OptionalLong.empty(), OptionalInt.empty(),
                    "could not read the pid file of node '" + node.id() + "': " + e);
        }
        return process.map(SupervisedProcess::status).orElseGet(() -> notRunning(node));
    }

    /** A node with no live process: says which pid it last had, when its pid file still names one. */
    private ProcessStatus notRunning(NodeSpec node) {
        if (node.startCommand().isEmpty()) {
            return ProcessStatus.unknown();
        }
        Optional<String> foreign = ForeignProcess.signs(node, Optional.empty());
        if (foreign.isPresent()) {
            return new ProcessStatus(ProcessStatus.Liveness.UNKNOWN, OptionalLong.empty(), OptionalInt.empty(),
                    "not started by this supervisor, but " + foreign.get());
        }
        OptionalLong last;
        try {
            last = PidFile.inDataDir(node.dataDir().toAbsolutePath().normalize()).read();
        } catch (IOException e) {
            last = OptionalLong.empty(); // only the message loses the pid: the process is not running either way
        }
        if (last.isEmpty()) {
            String failed = failedStarts.get(node.id());
            // a start that failed is no longer "never started": the node is down, and the crash ladder takes it
            return failed != null ? ProcessStatus.dead("its start failed: " + failed)
                    : ProcessStatus.notStarted(); // a start, not a recovery: nothing ever ran it that left a trace
        }
        // the pid stays out of the status: it may belong to an unrelated process by now
        return ProcessStatus.dead("not running (last pid " + last.getAsLong() + ")");
    }

    /**
     * Starts the node's process unless it runs already (then returns its status and starts nothing).
     *
     * @return alive with the new pid, or the exit status when the process ended at once
     * @throws IllegalStateException if the node has no start command or this supervisor is closed
     * @throws SupervisionException if the process cannot be started; the message names the node and the command
     */
    @Override
    public ProcessStatus start(NodeSpec node) {
        Objects.requireNonNull(node, "node");
        Slot slot = slot(node.id());
        synchronized (slot) {
            if (closed.get()) {
                throw new IllegalStateException("supervisor is closed; node '" + node.id() + "' cannot be started");
            }
            if (node.startCommand().isEmpty()) {
                throw new IllegalStateException("node '" + node.id() + "' has no \"command\" in the config, so it "
                        + "cannot be started; add its start command to the node's entry");
            }
            Optional<SupervisedProcess> current = currentOrFail(node);
            Optional<SupervisedProcess> running = current.filter(SupervisedProcess::isAlive);
            if (running.isPresent()) {
                LOG.debug("Node '{}' already runs as pid {}; not starting it again", node.id(), running.get().pid());
                return running.get().status();
            }
            Optional<String> foreign = ForeignProcess.signs(node, current.map(SupervisedProcess::pid));
            if (foreign.isPresent()) {
                throw new SupervisionException(node.id(), "not starting node '" + node.id() + "': "
                        + foreign.get() + ", so a copy this supervisor did not start may still run it, and a second"
                        + " copy must never run on one data directory; stop that process, or name its pid file in"
                        + " the node's \"pid_file\" so that it is adopted");
            }
            try {
                ProcessStatus started = launch(node, slot);
                failedStarts.remove(node.id());
                return started;
            } catch (RuntimeException e) {
                failedStarts.put(node.id(), String.valueOf(e.getMessage()));
                throw e;
            }
        }
    }

    /**
     * Stops the node's process and its descendants: SIGTERM, then SIGKILL to whatever still runs after
     * {@code grace}. Returns once they have ended. Does nothing when the node's process does not run. Removes
     * nothing from the data directory but the pid file.
     *
     * <p>Descendants that left the process tree (daemonized) are not found.
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code grace} is negative
     * @throws SupervisionException if a process still runs {@link #KILL_TIMEOUT} after SIGKILL
     * @throws InterruptedException if interrupted while waiting; the processes may still run
     */
    @Override
    public void stop(NodeSpec node, Duration grace) throws InterruptedException {
        Objects.requireNonNull(node, "node");
        requireGrace(grace);
        Slot slot = slot(node.id());
        synchronized (slot) {
            Optional<SupervisedProcess> running = currentOrFail(node).filter(SupervisedProcess::isAlive);
            if (running.isEmpty()) {
                LOG.debug("Node '{}' does not run; nothing to stop", node.id());
                return;
            }
            terminate(node.id(), running.get(), grace);
        }
    }

    /**
     * Stops every supervised process when made by {@link #stoppingOnClose(Duration)}; otherwise leaves them
     * running. Afterwards {@link #start} refuses; status and stop still work. Closing twice does nothing.
     *
     * @throws SupervisionException if a process could not be stopped (the others were still stopped)
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (stopOnCloseGrace.isEmpty()) {
            LOG.debug("Closing; leaving {} supervised processes running", slots.size());
            return;
        }
        SupervisionException failure = null;
        for (var entry : slots.entrySet()) {
            synchronized (entry.getValue()) {
                SupervisedProcess process = entry.getValue().process.get();
                if (process == null || !process.isAlive()) {
                    continue;
                }
                try {
                    terminate(entry.getKey(), process, stopOnCloseGrace.get());
                } catch (SupervisionException e) {
                    failure = accumulate(failure, e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw accumulate(failure, new SupervisionException(entry.getKey(),
                            "interrupted while stopping node '" + entry.getKey() + "' on close", e));
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private ProcessStatus launch(NodeSpec node, Slot slot) {
        Path dataDir = node.dataDir().toAbsolutePath().normalize();
        List<String> command = CommandLine.of(node, dataDir);
        String rendered = CommandLine.render(command);
        PidFile pidFile = PidFile.inDataDir(dataDir);
        Process process;
        try {
            Files.createDirectories(dataDir);
            Path log = dataDir.resolve(LOG_FILE);
            Files.writeString(log, HEADER + clock.instant() + ": " + rendered
                            + System.lineSeparator(), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            ProcessBuilder builder = new ProcessBuilder(NewSession.command(SETSID, command, dataDir))
                    .directory(dataDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(Redirect.appendTo(log.toFile()));
            builder.environment().remove(TOKEN_ENV);
            Optional.ofNullable(token.get()).map(String::strip).filter(t -> !t.isEmpty())
                    .ifPresent(t -> builder.environment().put(TOKEN_ENV, t));
            process = builder.start();
        } catch (IOException e) {
            throw new SupervisionException(node.id(), "could not start node '" + node.id() + "' with command "
                    + rendered + ": " + e.getMessage(), e);
        }
        // Nobody writes to the process's input: give it end-of-file rather than a pipe that never delivers.
        closeInput(node.id(), process);
        SupervisedProcess started = SupervisedProcess.started(process, pidFile, dataDir.resolve(LOG_FILE));
        // Set before the pid file is written, so status() adopting from that file finds this process instead.
        slot.process.set(started);
        watchExit(node.id(), started);
        try {
            pidFile.write(process.pid());
        } catch (IOException e) {
            process.destroyForcibly();
            throw new SupervisionException(node.id(), "started node '" + node.id() + "' as pid " + process.pid()
                    + " but could not write " + pidFile.path() + ", so killed it again: " + e.getMessage(), e);
        }
        LOG.info("Started node '{}' as pid {}: {}", node.id(), process.pid(), rendered);
        return started.status();
    }

    private static void closeInput(NodeId id, Process process) {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            LOG.warn("Could not close the standard input of node '{}' (pid {}); it stays an open pipe",
                    id, process.pid(), e);
        }
    }

    private static void terminate(NodeId id, SupervisedProcess process, Duration grace)
            throws InterruptedException {
        LOG.info("Stopping node '{}' (pid {}) with a grace period of {}", id, process.pid(), grace);
        List<ProcessHandle> tree = process.liveTree();
        tree.forEach(ProcessHandle::destroy);
        if (!process.awaitExit(tree, grace)) {
            List<ProcessHandle> left = process.stillAlive(tree);
            LOG.info("Node '{}' did not stop within {}; killing pids {}", id, grace, pids(left));
            left.forEach(ProcessHandle::destroyForcibly);
            if (!process.awaitExit(left, KILL_TIMEOUT)) {
                throw new SupervisionException(id, "processes " + pids(process.stillAlive(left)) + " of node '"
                        + id + "' still run " + KILL_TIMEOUT + " after SIGKILL");
            }
        }
        LOG.info("Stopped node '{}' (pid {}): {}", id, process.pid(), process.status().detail());
        try {
            process.pidFile().deleteIfNames(process.pid());
        } catch (IOException e) {
            LOG.warn("Stopped node '{}' but could not remove {}; a later start overwrites it",
                    id, process.pidFile().path(), e);
        }
    }

    /** Tells the {@link #onProcessExit} listener when the process ends, unless this supervisor is closed by then. */
    private void watchExit(NodeId node, SupervisedProcess process) {
        process.onExit().thenRun(() -> {
            if (!closed.get()) {
                LOG.debug("Process {} of node '{}' ended", process.pid(), node);
                exitListener.accept(node);
            }
        });
    }

    /**
     * Tells {@code listener} of every process this supervisor started or adopted that ends, as soon as the JDK sees
     * it end (a child's exit at once; an adopted process's by the JDK's polling).
     */
    @Override
    public void onProcessExit(Consumer<NodeId> listener) {
        this.exitListener = Objects.requireNonNull(listener, "listener");
    }

    /**
     * The process tracked for the node, or one adopted when none is tracked: from the pid file this supervisor
     * writes, or from the pid file of the tool that started the node.
     */
    private Optional<SupervisedProcess> current(NodeSpec node) throws IOException {
        Slot slot = slot(node.id());
        SupervisedProcess tracked = slot.process.get();
        if (tracked != null) {
            return Optional.of(tracked);
        }
        PidFile pidFile = PidFile.inDataDir(node.dataDir().toAbsolutePath().normalize());
        Optional<ProcessHandle> live = pidFile.liveProcess();
        if (live.isEmpty() && node.pidFile().isPresent()) {
            pidFile = PidFile.at(node.pidFile().get());
            live = pidFile.liveProcess();
        }
        if (live.isEmpty()) {
            return Optional.empty();
        }
        SupervisedProcess adopted = SupervisedProcess.adopted(live.get(), pidFile);
        if (slot.process.compareAndSet(null, adopted)) {
            LOG.info("Adopted process {} of node '{}' from {}", adopted.pid(), node.id(), pidFile.path());
            watchExit(node.id(), adopted);
            return Optional.of(adopted);
        }
        return Optional.of(slot.process.get());
    }

    private Optional<SupervisedProcess> currentOrFail(NodeSpec node) {
        try {
            return current(node);
        } catch (IOException e) {
            throw new SupervisionException(node.id(), "could not read the pid file of node '" + node.id()
                    + "', so cannot tell whether it runs: " + e, e);
        }
    }

    private Slot slot(NodeId id) {
        return slots.computeIfAbsent(id, ignored -> new Slot());
    }

    private static Duration requireGrace(Duration grace) {
        Objects.requireNonNull(grace, "grace");
        if (grace.isNegative()) {
            throw new IllegalArgumentException("grace must be >= 0, but was " + grace);
        }
        return grace;
    }

    private static List<Long> pids(List<ProcessHandle> processes) {
        return processes.stream().map(ProcessHandle::pid).toList();
    }

    private static SupervisionException accumulate(SupervisionException first, SupervisionException next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }

    /** A node's process; its monitor serializes start and stop of the node (see the slots field). */
    private static final class Slot {
        final AtomicReference<SupervisedProcess> process = new AtomicReference<>();
    }
}
