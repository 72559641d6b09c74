package org.distributedtesting.recovery.examples.ratis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ActionKind;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.core.http.ControlRequest;
import org.distributedtesting.recovery.core.http.ProtocolException;
import org.distributedtesting.recovery.core.supervise.ControlJson;

/**
 * The coordinator's maintenance command: the repair tool the recovery daemon runs, as a node's
 * {@code maintenance_command}, to move aside, restore or reset the data of that node while it is stopped.
 *
 * <pre>
 * java -cp CP org.distributedtesting.recovery.examples.ratis.Maintenance --id ID --data-dir DIR
 *      [--copy-from protocol|local-dir] [--copy-timeout SECONDS]
 * </pre>
 *
 * It reads one request on standard input ({@code {"action":"restore","node_id":"node-2","artifact":"database",
 * "from":"node-1","from_address":"127.0.0.1:8001",...}}, see {@code docs/node-protocol.md}), carries it out with
 * {@link LocalDataDirControl} under the node's {@code node.lock}, and prints one line,
 * {@code {"outcome":"done"|"failed","detail":"...","data":{...}}}. A restore of the database gets its copy over the
 * node protocol from the source's {@code from_address} ({@code GET /api/control/database_copy}) with the control
 * token from the environment variable {@code RECOVERY_CONTROL_TOKEN}, or, with {@code --copy-from local-dir}, from
 * the source's {@code from_data_dir} on this host. Logs go to standard error.
 *
 * <p>Exit code 0 whenever a result was printed, also for {@code "failed"}: the exit code says whether the tool
 * worked, the outcome whether the repair did. 2 for a bad command line or a request that is not one.
 */
public final class Maintenance {

    /** The environment variable the control token comes in. */
    static final String TOKEN_ENV = "RECOVERY_CONTROL_TOKEN";

    static final int OK = 0;
    static final int USAGE = 2;

    private static final String USAGE_LINE = "usage: Maintenance --id ID --data-dir DIR [--copy-from protocol|local-dir]"
            + " [--copy-timeout SECONDS]";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration DEFAULT_COPY_TIMEOUT = Duration.ofSeconds(60);
    /** A request is a few hundred bytes; anything near this is not one. */
    private static final int MAX_REQUEST_BYTES = 64 * 1024;

    /**
     * The command line.
     *
     * @param id          the node the tool was started for; the request must name the same
     * @param dataDir     its data directory
     * @param localCopies whether a restore copies from the source's data directory on this host
     * @param copyTimeout how long a database copy over the protocol may take
     */
    record Options(NodeId id, Path dataDir, boolean localCopies, Duration copyTimeout) {

        static Options parse(String[] args) {
            String id = null;
            Path dataDir = null;
            boolean localCopies = false;
            Duration copyTimeout = DEFAULT_COPY_TIMEOUT;
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (!List.of("--id", "--data-dir", "--copy-from", "--copy-timeout").contains(arg)) {
                    throw new IllegalArgumentException("unknown option " + arg);
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(arg + " needs a value");
                }
                String value = args[++i];
                switch (arg) {
                    case "--id" -> id = value;
                    case "--data-dir" -> dataDir = Path.of(value);
                    case "--copy-from" -> localCopies = switch (value) {
                        case "protocol" -> false;
                        case "local-dir" -> true;
                        default -> throw new IllegalArgumentException("--copy-from must be protocol or local-dir, but"
                                + " was '" + value + "'");
                    };
                    case "--copy-timeout" -> copyTimeout = seconds(value);
                    default -> throw new IllegalArgumentException("unknown option " + arg);
                }
            }
            if (id == null || dataDir == null) {
                throw new IllegalArgumentException("--id and --data-dir are required");
            }
            return new Options(NodeId.of(id), dataDir.toAbsolutePath().normalize(), localCopies, copyTimeout);
        }

        private static Duration seconds(String value) {
            try {
                double seconds = Double.parseDouble(value);
                if (!(seconds > 0) || Double.isInfinite(seconds)) {
                    throw new NumberFormatException();
                }
                return Duration.ofMillis(Math.round(seconds * 1000));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--copy-timeout must be a number of seconds > 0, but was '"
                        + value + "'");
            }
        }
    }

    private Maintenance() {
    }

    /** Runs one repair and exits with its code. */
    public static void main(String[] args) {
        System.exit(run(args, System.in, System.out, System.err, System.getenv()));
    }

    /**
     * Reads one request from {@code in}, carries it out and prints its result on {@code out}.
     *
     * @return the exit code: {@value #OK} when a result was printed, {@value #USAGE} for a bad command line or request
     */
    static int run(String[] args, InputStream in, PrintStream out, PrintStream err, Map<String, String> env) {
        Options options;
        ControlRequest request;
        Optional<Path> fromDataDir;
        try {
            options = Options.parse(args);
            String json = readRequest(in);
            request = ControlJson.readRequest(json);
            fromDataDir = fromDataDir(json);
            if (!request.action().node().equals(options.id())) {
                throw new IllegalArgumentException("the request is for node '" + request.action().node()
                        + "', but this tool was started for '" + options.id() + "' (--id)");
            }
        } catch (IllegalArgumentException | ProtocolException | IOException e) {
            err.println("maintenance: " + e.getMessage());
            err.println(USAGE_LINE);
            return USAGE;
        }
        ActionResult result = execute(options, request, fromDataDir, env);
        out.println(ControlJson.answer(result));
        out.flush();
        return OK;
    }

    private static ActionResult execute(Options options, ControlRequest request, Optional<Path> fromDataDir,
                                        Map<String, String> env) {
        Action action = request.action();
        List<NodeSpec> nodes = new ArrayList<>();
        // the node is stopped: the data actions need only its directory, so its address is a stand-in
        nodes.add(NodeSpec.of(options.id().value(), "localhost", 1, options.dataDir()));
        Optional<NodeId> from = action.source();
        if (from.isPresent() && !from.get().equals(options.id())) {
            Optional<NodeSpec> source = sourceSpec(from.get(), request.sourceAddress(), fromDataDir);
            if (source.isEmpty()) {
                return new ActionResult.Failed("the request names source '" + from.get() + "' without a usable "
                        + "from_address (host:port)");
            }
            nodes.add(source.get());
        }
        DatabaseCopySource copies;
        if (options.localCopies()) {
            if (from.isPresent() && fromDataDir.isEmpty()) {
                return new ActionResult.Failed("--copy-from local-dir, but the request has no from_data_dir");
            }
            copies = DatabaseCopySource.fromLocalDataDir();
        } else {
            String token = env.getOrDefault(TOKEN_ENV, "").strip();
            if (action.kind() == ActionKind.RESTORE && token.isEmpty()) {
                return new ActionResult.Failed("no control token in " + TOKEN_ENV + ": the source's database_copy"
                        + " endpoint needs it");
            }
            copies = DatabaseCopySource.overProtocol(() -> token, options.copyTimeout());
        }
        try {
            return new LocalDataDirControl(nodes, copies, Clock.systemUTC()).execute(action);
        } catch (IOException e) {
            return new ActionResult.Failed(action.name() + " of '" + options.id() + "' failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ActionResult.Failed(action.name() + " of '" + options.id() + "' was interrupted");
        }
    }

    private static Optional<NodeSpec> sourceSpec(NodeId id, Optional<String> address, Optional<Path> dataDir) {
        if (address.isEmpty()) {
            return Optional.empty();
        }
        String value = address.get();
        int colon = value.lastIndexOf(':');
        if (colon <= 0) {
            return Optional.empty();
        }
        int port;
        try {
            port = Integer.parseInt(value.substring(colon + 1));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (port < 1 || port > 65_535) {
            return Optional.empty();
        }
        // without from_data_dir only a copy over the protocol is possible, which needs no directory (the local copy
        // refuses such a request first)
        return Optional.of(NodeSpec.of(id.value(), value.substring(0, colon), port,
                dataDir.orElse(Path.of("unknown-data-dir-of-" + id))));
    }

    /** {@code from_data_dir}, which the daemon adds to requests with a source beside the protocol's members. */
    private static Optional<Path> fromDataDir(String json) throws IOException {
        JsonNode value = JSON.readTree(json).path("from_data_dir");
        if (value.isMissingNode()) {
            return Optional.empty();
        }
        if (!value.isTextual() || value.textValue().isBlank()) {
            throw new IllegalArgumentException("from_data_dir must be a non-blank string, but was " + value);
        }
        return Optional.of(Path.of(value.textValue()));
    }

    private static String readRequest(InputStream in) throws IOException {
        byte[] bytes = in.readNBytes(MAX_REQUEST_BYTES + 1);
        if (bytes.length > MAX_REQUEST_BYTES) {
            throw new IOException("the request on stdin is longer than " + MAX_REQUEST_BYTES + " bytes");
        }
        String text = new String(bytes, StandardCharsets.UTF_8).strip();
        if (text.isEmpty()) {
            throw new IOException("no request on stdin (expected one JSON object)");
        }
        return text;
    }
}
