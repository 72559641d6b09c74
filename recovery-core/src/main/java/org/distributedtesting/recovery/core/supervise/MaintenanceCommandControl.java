package org.distributedtesting.recovery.core.supervise;

import java.io.IOException;
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
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.NodeControl;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.core.http.ProtocolException;
import org.distributedtesting.recovery.core.http.client.HttpNodeControl;
import org.distributedtesting.recovery.core.http.codec.FencingEpoch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link NodeControl} that repairs the data of a <em>stopped</em> node by running the node's maintenance command
 * ({@link NodeSpec#maintenanceCommand()}, config {@code nodes[].maintenance_command}): the strategies repair data as
 * stop, move aside / restore / reset, start, and between the stop and the start the node's process, and its protocol
 * server with it, is gone. So {@link Action.MoveAside}, {@link Action.Restore} and {@link Action.Reset} of a node
 * that has a maintenance command run that command as a child process on this host; every other action, and every
 * action on a node without one, goes to the delegate (usually the node protocol's {@code HttpNodeControl}).
 *
 * <p>The contract with the command, in any language ({@code docs/node-protocol.md}, "Repairs on a stopped node"):
 * <ul>
 *   <li>argv is the configured command with {@code {id}}, {@code {host}}, {@code {port}}, {@code {data_dir}} and
 *       {@code {epoch}} (the daemon's fencing epoch, {@code 0} when it has none) replaced; the working directory is
 *       the node's data directory (created if missing);</li>
 *   <li>standard input is one line of JSON, the node protocol's control request ({@link ControlJson#request}) plus
 *       {@code data_dir}, and for a restore the source's {@code from}, {@code from_address} and
 *       {@code from_data_dir}, and {@code "epoch":<n>} when the daemon has a fencing epoch, then end of file;</li>
 *   <li>the control token is in the environment variable {@value #TOKEN_ENV} (removed when there is none), never in
 *       argv; the fencing epoch is in {@value #EPOCH_ENV} (removed when there is none);</li>
 *   <li>standard error is appended to {@code <data_dir>/}{@value #LOG_FILE};</li>
 *   <li>standard output must be exactly one line, {@code {"outcome":"done"|"failed","detail":"...","data":{...}}},
 *       of at most {@value #MAX_OUTPUT_BYTES} bytes, and the exit code 0. The exit code says whether the tool itself
 *       worked; the outcome whether the repair did.</li>
 * </ul>
 * A command that runs longer than the timeout is killed with its descendants. Every way the command can fail (it
 * cannot start, times out, exits non-zero, prints nothing, several lines, too much, or not a result) is an
 * {@link ActionResult.Failed} that says so and names the log file. The token never appears in a result: where the
 * command echoes it, it is replaced.
 *
 * <p>Thread-safe: it keeps no state between actions, and each action runs its own process. The caller's thread
 * waits for the command (at most the timeout plus the time to kill it).
 */
public final class MaintenanceCommandControl implements NodeControl {

    /** The environment variable that carries the control token to the command. */
    public static final String TOKEN_ENV = "RECOVERY_CONTROL_TOKEN";

    /** The environment variable that carries the daemon's fencing epoch to the command, when it has one. */
    public static final String EPOCH_ENV = "RECOVERY_EPOCH";

    /** The file in the node's data directory that receives the command's standard error. */
    public static final String LOG_FILE = "maintenance.log";

    /** The most standard output read from a command: 64 KiB, as for a node protocol answer. */
    public static final int MAX_OUTPUT_BYTES = 64 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(MaintenanceCommandControl.class);
    private static final String REDACTED = "[redacted]";
    private static final int MAX_SHOWN_OUTPUT_CHARS = 200;

    private final Map<NodeId, NodeSpec> nodes;
    private final NodeControl delegate;
    private final Duration timeout;
    private final Supplier<Optional<String>> token;
    private final LongSupplier epoch;
    private final Clock clock;

    /**
     * A control without a fencing epoch: as {@link #MaintenanceCommandControl(List, NodeControl, Duration, Supplier,
     * LongSupplier, Clock)} with an epoch of 0.
     *
     * @throws NullPointerException     if any argument is null
     * @throws IllegalArgumentException if {@code timeout} is not positive
     */
    public MaintenanceCommandControl(List<NodeSpec> nodes, NodeControl delegate, Duration timeout,
                                     Supplier<Optional<String>> token, Clock clock) {
        this(nodes, delegate, timeout, token, () -> 0, clock);
    }

    /**
     * @param nodes    the cluster's nodes; those with a maintenance command have their data actions run by it
     * @param delegate receives every other action
     * @param timeout  how long one command may run ({@link RecoveryOptions#maintenanceTimeout()})
     * @param token    the control token, asked for every command so that it can rotate; empty when there is none
     * @param epoch    the daemon's fencing epoch, asked for every command; 0 or less when it has none
     * @param clock    for the time stamp of each run's header line in the log file
     * @throws NullPointerException     if any argument is null
     * @throws IllegalArgumentException if {@code timeout} is not positive
     */
    public MaintenanceCommandControl(List<NodeSpec> nodes, NodeControl delegate, Duration timeout,
                                     Supplier<Optional<String>> token, LongSupplier epoch, Clock clock) {
        this.nodes = nodes.stream().collect(Collectors.toUnmodifiableMap(NodeSpec::id, Function.identity(),
                (a, b) -> a));
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be > 0, but was " + timeout);
        }
        this.token = Objects.requireNonNull(token, "token");
        this.epoch = Objects.requireNonNull(epoch, "epoch");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public ActionResult execute(Action action) throws Exception {
        NodeSpec spec = nodes.get(action.node());
        if (!action.kind().onData() || spec == null || !spec.hasMaintenanceCommand()) {
            return delegate.execute(action);
        }
        return run(spec, action);
    }

    /** True for a node with a maintenance command, which works on the stopped node's data; else the delegate's. */
    @Override
    public boolean changesDataWhileStopped(NodeId node) {
        NodeSpec spec = nodes.get(node);
        return spec != null && spec.hasMaintenanceCommand() || delegate.changesDataWhileStopped(node);
    }

    private ActionResult run(NodeSpec spec, Action action) throws InterruptedException {
        Path dataDir = spec.dataDir().toAbsolutePath().normalize();
        long fencing = FencingEpoch.current(epoch);
        List<String> command = CommandLine.maintenance(spec, dataDir, fencing);
        String rendered = CommandLine.render(command);
        String what = "the maintenance command of '" + spec.id() + "' for " + action.name();
        Path log = dataDir.resolve(LOG_FILE);
        Optional<String> secret = token.get().filter(t -> !t.isEmpty());
        String request = ControlJson.request(action, sourceAddress(action), requestExtras(action, dataDir), fencing);
        CommandRun run;
        try {
            Files.createDirectories(dataDir);
            Files.writeString(log, "--- " + clock.instant() + " " + action.name() + " by coordinator-recovery: "
                    + rendered + System.lineSeparator(), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(dataDir.toFile())
                    .redirectError(Redirect.appendTo(log.toFile()));
            builder.environment().remove(TOKEN_ENV);
            secret.ifPresent(t -> builder.environment().put(TOKEN_ENV, t));
            builder.environment().remove(EPOCH_ENV);
            if (fencing > 0) {
                builder.environment().put(EPOCH_ENV, Long.toString(fencing));
            }
            run = CommandRun.start(builder, "maintenance command");
        } catch (IOException e) {
            return new ActionResult.Failed("could not start " + what + " (" + rendered + "): " + e.getMessage());
        }
        try (run) {
            LOG.info("Running {} as pid {}: {}", what, run.pid(), rendered);
            run.send(request + "\n");
            if (!run.finish(timeout)) {
                return new ActionResult.Failed(what + " did not finish within " + seconds(timeout)
                        + " s (recovery_options.maintenance_timeout), so it and its child processes were killed;"
                        + " its stderr is in " + log);
            }
            return result(what, run, log, secret);
        }
    }

    private static ActionResult result(String what, CommandRun run, Path log, Optional<String> secret) {
        int exitCode = run.exitCode();
        if (exitCode != 0) {
            return new ActionResult.Failed(what + " exited with code " + exitCode + "; its stderr is in " + log);
        }
        byte[] bytes;
        try {
            bytes = run.stdout(MAX_OUTPUT_BYTES);
        } catch (IOException e) {
            return new ActionResult.Failed("could not read the output of " + what + ": " + e.getMessage());
        }
        if (bytes.length > MAX_OUTPUT_BYTES) {
            return new ActionResult.Failed(what + " printed more than " + MAX_OUTPUT_BYTES
                    + " bytes on stdout, where one result line was expected; its stderr is in " + log);
        }
        List<String> lines = new String(bytes, StandardCharsets.UTF_8).lines()
                .filter(line -> !line.isBlank()).toList();
        if (lines.size() != 1) {
            return new ActionResult.Failed(what + " printed " + (lines.isEmpty() ? "nothing" : lines.size() + " lines")
                    + " on stdout, where one JSON result line was expected (logs belong on stderr); its stderr is in "
                    + log);
        }
        try {
            return ControlJson.readAnswer(lines.get(0), text -> redact(text, secret));
        } catch (ProtocolException e) {
            return new ActionResult.Failed(what + " printed a line that is not a result (" + redact(e.getMessage(),
                    secret) + "): " + shown(redact(lines.get(0), secret)) + "; its stderr is in " + log);
        }
    }

    private Optional<String> sourceAddress(Action action) {
        return action.source().map(nodes::get).map(NodeSpec::address);
    }

    private Map<String, String> requestExtras(Action action, Path dataDir) {
        Map<String, String> extras = new LinkedHashMap<>();
        extras.put("data_dir", dataDir.toString());
        action.source().map(nodes::get).ifPresent(source ->
                extras.put("from_data_dir", source.dataDir().toAbsolutePath().normalize().toString()));
        return extras;
    }

    private static String redact(String text, Optional<String> secret) {
        return secret.map(s -> text.replace(s, REDACTED)).orElse(text);
    }

    private static String shown(String text) {
        return text.length() <= MAX_SHOWN_OUTPUT_CHARS ? text : text.substring(0, MAX_SHOWN_OUTPUT_CHARS) + "...";
    }

    private static String seconds(Duration duration) {
        return BigDecimal.valueOf(duration.toMillis(), 3).stripTrailingZeros().toPlainString();
    }
}
