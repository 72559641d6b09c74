package org.distributedtesting.recovery.core.supervise;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.ProcessBuilder.Redirect;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.ProcessStatus;
import org.distributedtesting.recovery.ProcessStatus.Liveness;
import org.distributedtesting.recovery.SupervisionCommands;
import org.distributedtesting.recovery.spi.ProcessSupervisor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Supervises nodes whose process this daemon cannot run itself (on another host, under systemd, in a pod) through
 * the node's {@link NodeSpec#supervision() supervision commands}, config {@code nodes[].supervise}. The contract
 * with the commands, made so that {@code systemctl} and {@code ssh HOST systemctl} work as they are
 * ({@code docs/node-protocol.md}, "Nodes on other hosts"):
 * <ul>
 *   <li>argv is the configured command with {@code {id}}, {@code {host}}, {@code {port}}, {@code {data_dir}}
 *       (absolute) and {@code {epoch}} replaced, and in the stop command {@code {grace_seconds}}; no shell;</li>
 *   <li>the environment is the daemon's, plus {@value #EPOCH_ENV} (the fencing epoch, 0 when there is none), the
 *       control token in {@value #TOKEN_ENV} (absent when there is none; never in argv), and for the stop command
 *       {@value #GRACE_ENV}: the seconds, rounded up, the process may take to end politely;</li>
 *   <li>standard input is empty; the working directory is the node's data directory when it exists on this host,
 *       else the daemon's;</li>
 *   <li>status: exit code 0 means running, {@value SupervisionCommands#EXIT_STOPPED} stopped (as {@code systemctl
 *       is-active} and LSB init scripts say it), anything else unknown. Standard output is text (systemctl's state
 *       word), or one JSON line {@code {"pid":123,"exit_code":1,"detail":"..."}} with every key optional
 *       ({@code exit_code}: the node process's, when it has ended). Exit code 3 with systemd's {@code activating}
 *       or {@code deactivating} is unknown, since a process may run;</li>
 *   <li>start and stop: exit code 0 means done; anything else fails with the end of the command's output;</li>
 *   <li>standard error goes to {@code <data_dir>/}{@value #LOG_FILE} when the data directory exists on this host
 *       (for a status command only when it wrote something), after a header line per run; the last lines of it
 *       are in every failure's message either way;</li>
 *   <li>every command may run for the node's {@link SupervisionCommands#timeout()}, the stop command that plus
 *       the grace; then it and the processes it started are killed.</li>
 * </ul>
 * {@link #status} never throws: a command that cannot run, times out, or answers outside the contract makes the
 * process's liveness unknown, never stopped, and the engine does not start a node whose process may run.
 * {@link #start} starts only a node its status command reports stopped, and returns the status afterwards;
 * {@link #stop} returns once the status command reports the process stopped. The control token never appears in a
 * message: where a command echoes it, it is replaced.
 *
 * <p>Thread-safe: each call runs its own processes; the only state is the last liveness logged per node. The
 * calling thread waits for the commands. {@link #close()} leaves the processes running.
 */
public final class CommandSupervisor implements ProcessSupervisor {

    /** The environment variable that carries the control token to the commands. */
    public static final String TOKEN_ENV = MaintenanceCommandControl.TOKEN_ENV;

    /** The environment variable that carries the fencing epoch to the commands. */
    public static final String EPOCH_ENV = "RECOVERY_EPOCH";

    /** The environment variable that carries the stop command's grace, in whole seconds. */
    public static final String GRACE_ENV = "RECOVERY_GRACE_SECONDS";

    /** The file in the node's data directory, when it exists on this host, that receives the commands' stderr. */
    public static final String LOG_FILE = "supervise.log";

    /** The most standard output read from a command: 64 KiB. */
    public static final int MAX_OUTPUT_BYTES = 64 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(CommandSupervisor.class);
    private static final String REDACTED = "[redacted]";
    /** The most standard error kept of one run, from its end: for the log file and the tail in messages. */
    private static final int MAX_ERROR_BYTES = 64 * 1024;

    private final Supplier<String> token;
    private final LongSupplier epoch;
    private final Clock clock;
    /** The liveness last logged per node, so that a change is logged once rather than every cycle. */
    private final ConcurrentMap<NodeId, Liveness> logged = new ConcurrentHashMap<>();

    /**
     * @param token the control token, asked for every command so that it can rotate; null, or a supplier that
     *              returns null or empty, when there is none
     * @param epoch the fencing epoch, asked for every command; null for none (0)
     * @param clock for the time stamp of each run's header line in the log file
     * @throws NullPointerException if {@code clock} is null
     */
    public CommandSupervisor(Supplier<String> token, LongSupplier epoch, Clock clock) {
        this.token = token == null ? () -> null : token;
        this.epoch = epoch == null ? () -> 0L : epoch;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A supervisor without a control token or an epoch, stamping its log lines with the system clock. */
    public CommandSupervisor() {
        this(null, null, Clock.systemUTC());
    }

    /**
     * Runs the node's status command: alive on exit code 0, dead on exit code 3, unknown otherwise, and unknown when
     * the node has no supervision commands or the command cannot run, times out or breaks the contract.
     */
    @Override
    public ProcessStatus status(NodeSpec node) {
        Objects.requireNonNull(node, "node");
        ProcessStatus status = ask(node);
        Liveness before = logged.put(node.id(), status.liveness());
        if (before != status.liveness()) {
            if (status.liveness() == Liveness.UNKNOWN) {
                LOG.warn("Cannot tell whether the process of '{}' runs: {}", node.id(), status.detail());
            } else {
                LOG.info("The status command of '{}' says: {}", node.id(), status.detail());
            }
        }
        return status;
    }

    private ProcessStatus ask(NodeSpec node) {
        if (node.supervision().isEmpty()) {
            return StatusAnswer.unknown("node '" + node.id() + "' has no supervise commands");
        }
        SupervisionCommands commands = node.supervision().get();
        String what = "the status command of '" + node.id() + "'";
        Ran ran;
        try {
            ran = run(node, "status", commands.status(), Map.of(), commands.timeout());
        } catch (IOException e) {
            return StatusAnswer.unknown("could not run " + what + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return StatusAnswer.unknown(what + " was interrupted, and killed");
        } catch (RuntimeException e) {
            // the token file may have become unreadable: the message names the file, never the token
            return StatusAnswer.unknown("could not run " + what + ": " + e.getMessage());
        }
        if (ran.timedOut()) {
            return StatusAnswer.unknown(what + " did not answer within " + seconds(commands.timeout())
                    + " s (nodes[].supervise.timeout), so it and its child processes were killed (" + ran.command()
                    + ")" + ran.tail().map(t -> ": " + t).orElse(""));
        }
        if (ran.stdout().length > MAX_OUTPUT_BYTES) {
            return StatusAnswer.unknown(what + " printed more than " + MAX_OUTPUT_BYTES + " bytes on stdout");
        }
        return StatusAnswer.of(ran.exitCode(), new String(ran.stdout(), StandardCharsets.UTF_8), ran.tail(),
                ran.redact(), what);
    }

    /**
     * Starts the node's process with its start command, when its status command reports it stopped; when it
     * reports it running, starts nothing.
     *
     * @return the status command's answer after the start
     * @throws IllegalStateException if the node has no supervision commands
     * @throws SupervisionException  if the status command cannot tell whether the process runs (a second copy must
     *                               never run), or the start command cannot run, times out or exits non-zero; the
     *                               message names the node, the command and the end of its output
     * @throws InterruptedException  if the thread was interrupted; the running command was killed
     */
    @Override
    public ProcessStatus start(NodeSpec node) throws InterruptedException {
        SupervisionCommands commands = commands(node, "started");
        ProcessStatus before = status(node);
        if (before.isAlive()) {
            LOG.debug("Node '{}' already runs ({}); not starting it again", node.id(), before.detail());
            return before;
        }
        if (!before.isDead()) {
            throw new SupervisionException(node.id(), "not starting node '" + node.id() + "': " + before.detail()
                    + "; a second copy of a node must never run, so it is started only when its status command says"
                    + " it is stopped (exit code " + SupervisionCommands.EXIT_STOPPED + ")");
        }
        runOrFail(node, "start", commands.start(), Map.of(), commands.timeout());
        ProcessStatus after = status(node);
        LOG.info("Started '{}' with its start command; its status command says: {}", node.id(), after.detail());
        return after;
    }

    /**
     * Stops the node's process with its stop command, whatever its status, and returns once its status command
     * reports it stopped. The stop command may run for the node's timeout plus {@code grace}.
     *
     * @throws IllegalStateException    if the node has no supervision commands
     * @throws IllegalArgumentException if {@code grace} is negative
     * @throws SupervisionException     if the stop command cannot run, times out or exits non-zero, or the status
     *                                  command does not report the process stopped afterwards
     * @throws InterruptedException     if the thread was interrupted; the running command was killed
     */
    @Override
    public void stop(NodeSpec node, Duration grace) throws InterruptedException {
        SupervisionCommands commands = commands(node, "stopped");
        Objects.requireNonNull(grace, "grace");
        if (grace.isNegative()) {
            throw new IllegalArgumentException("grace must be >= 0, but was " + grace);
        }
        String graceSeconds = Long.toString(grace.getSeconds() + (grace.getNano() > 0 ? 1 : 0));
        runOrFail(node, "stop", commands.stop(), Map.of("grace_seconds", graceSeconds),
                commands.timeout().plus(grace));
        ProcessStatus after = status(node);
        if (after.isAlive()) {
            throw new SupervisionException(node.id(), "the stop command of '" + node.id() + "' exited with code 0,"
                    + " but its status command still says: " + after.detail());
        }
        if (!after.isDead()) {
            throw new SupervisionException(node.id(), "the stop command of '" + node.id() + "' exited with code 0,"
                    + " but it cannot be told whether the process ended: " + after.detail());
        }
        LOG.info("Stopped '{}' with its stop command; its status command says: {}", node.id(), after.detail());
    }

    private static SupervisionCommands commands(NodeSpec node, String verb) {
        Objects.requireNonNull(node, "node");
        return node.supervision().orElseThrow(() -> new IllegalStateException("node '" + node.id() + "' has no"
                + " \"supervise\" commands in the config, so it cannot be " + verb + " by a CommandSupervisor"));
    }

    private void runOrFail(NodeSpec node, String verb, List<String> template, Map<String, String> more,
                           Duration timeout) throws InterruptedException {
        String what = "the " + verb + " command of '" + node.id() + "'";
        Ran ran;
        try {
            ran = run(node, verb, template, more, timeout);
        } catch (IOException e) {
            throw new SupervisionException(node.id(), "could not run " + what + ": " + e.getMessage(), e);
        }
        String output = ran.tail().map(t -> "; it printed: " + t).orElse("")
                + ran.log().map(log -> "; its stderr is in " + log).orElse("");
        if (ran.timedOut()) {
            throw new SupervisionException(node.id(), what + " did not finish within " + seconds(timeout)
                    + " s, so it and its child processes were killed (" + ran.command() + ")" + output);
        }
        if (ran.exitCode() != 0) {
            throw new SupervisionException(node.id(), what + " exited with code " + ran.exitCode() + " ("
                    + ran.command() + ")" + output);
        }
    }

    /** How one command ended; {@code exitCode} is -1 and {@code stdout} empty when it timed out. */
    private record Ran(String command, boolean timedOut, int exitCode, byte[] stdout, Optional<String> tail,
                       Optional<Path> log, UnaryOperator<String> redact) {
    }

    private Ran run(NodeSpec node, String verb, List<String> template, Map<String, String> more, Duration timeout)
            throws IOException, InterruptedException {
        Path dataDir = node.dataDir().toAbsolutePath().normalize();
        String currentEpoch = Long.toString(epoch.getAsLong());
        Map<String, String> placeholders = new LinkedHashMap<>(more);
        placeholders.put("epoch", currentEpoch);
        List<String> command = CommandLine.of(template, node, dataDir, placeholders);
        String rendered = CommandLine.render(command);
        Optional<String> secret = Optional.ofNullable(token.get()).filter(t -> !t.isEmpty());
        UnaryOperator<String> redact = text -> secret.map(s -> text.replace(s, REDACTED)).orElse(text);
        boolean local = Files.isDirectory(dataDir);
        ProcessBuilder builder = new ProcessBuilder(command);
        if (local) {
            builder.directory(dataDir.toFile());
        }
        builder.environment().remove(TOKEN_ENV);
        secret.ifPresent(t -> builder.environment().put(TOKEN_ENV, t));
        builder.environment().put(EPOCH_ENV, currentEpoch);
        if (more.containsKey("grace_seconds")) {
            builder.environment().put(GRACE_ENV, more.get("grace_seconds"));
        }
        Path errors = Files.createTempFile("recovery-supervise-", ".err");
        try {
            builder.redirectError(Redirect.to(errors.toFile()));
            boolean finished;
            int exitCode = -1;
            byte[] stdout = new byte[0];
            try (CommandRun run = CommandRun.start(builder, verb + " command of '" + node.id() + "'")) {
                LOG.debug("Running the {} command of '{}' as pid {}: {}", verb, node.id(), run.pid(), rendered);
                run.send(null);
                finished = run.finish(timeout);
                if (finished) {
                    exitCode = run.exitCode();
                    stdout = run.stdout(MAX_OUTPUT_BYTES);
                }
            }
            String stderr = redact.apply(lastBytes(errors));
            boolean quietStatus = verb.equals("status") && stderr.isBlank();
            Optional<Path> log = local && !quietStatus ? appendToLog(dataDir, verb, rendered, stderr) : Optional.empty();
            String printed = redact.apply(new String(stdout, StandardCharsets.UTF_8));
            Optional<String> tail = OutputTail.ofText(stderr, null).or(() -> OutputTail.ofText(printed, null));
            return new Ran(rendered, !finished, exitCode, stdout, tail, log, redact);
        } finally {
            Files.deleteIfExists(errors);
        }
    }

    /**
     * The last {@value #MAX_ERROR_BYTES} bytes of {@code file}; when that cuts the file, without the first,
     * partial line, so that a token cut in two cannot escape redaction.
     */
    private static String lastBytes(Path file) throws IOException {
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long start = Math.max(0, in.length() - MAX_ERROR_BYTES);
            byte[] bytes = new byte[(int) (in.length() - start)];
            in.seek(start);
            in.readFully(bytes);
            String text = new String(bytes, StandardCharsets.UTF_8);
            if (start == 0) {
                return text;
            }
            int lineEnd = text.indexOf('\n');
            return lineEnd < 0 ? "" : text.substring(lineEnd + 1);
        }
    }

    /** Appends a header line and the run's standard error to the node's log; empty when that fails (logged). */
    private Optional<Path> appendToLog(Path dataDir, String verb, String rendered, String stderr) {
        Path log = dataDir.resolve(LOG_FILE);
        String text = "--- " + clock.instant() + " " + verb + " by coordinator-recovery: " + rendered
                + System.lineSeparator() + stderr + (stderr.isEmpty() || stderr.endsWith("\n") ? ""
                : System.lineSeparator());
        try {
            Files.writeString(log, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            return Optional.of(log);
        } catch (IOException e) {
            LOG.warn("Could not append the stderr of a {} command to {}: {}", verb, log, e.toString());
            return Optional.empty();
        }
    }

    private static String seconds(Duration duration) {
        return BigDecimal.valueOf(duration.toMillis(), 3).stripTrailingZeros().toPlainString();
    }
}
