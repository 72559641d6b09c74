package org.distributedtesting.recovery.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.SupervisionCommands;

/**
 * Reads the {@code nodes} array into {@link NodeSpec}s: required keys, types, id syntax, host and address syntax
 * ({@link HostSyntax}), unique ids and unique {@code host:port} addresses, the placeholders of the commands, and a
 * node's process supervised one way only ({@code command} or {@code supervise}).
 *
 * <p>Stateless and thread-safe.
 */
final class NodesSection {

    static final String KEY = "nodes";

    private static final String SUPERVISE = "supervise";
    private static final List<String> SUPERVISE_KEYS = List.of("start", "stop", "status", "timeout");

    private static final List<String> NODE_KEYS =
            List.of("id", "host", "port", "data_dir", "alternative_addresses", "command", "maintenance_command",
                    "pid_file", SUPERVISE);

    /** Anything that looks like a placeholder, so that a misspelt one is an error rather than passed on. */
    private static final Pattern PLACEHOLDER_LIKE = Pattern.compile("\\{([A-Za-z][A-Za-z_-]*)}");

    /** The placeholders of {@code maintenance_command}: the node's, and the daemon's fencing epoch. */
    private static final List<String> PLACEHOLDERS = List.of("id", "host", "port", "data_dir", "epoch");
    private static final List<String> SUPERVISE_PLACEHOLDERS = List.of("id", "host", "port", "data_dir", "epoch");
    private static final List<String> STOP_PLACEHOLDERS =
            List.of("id", "host", "port", "data_dir", "epoch", "grace_seconds");


    private static final int MIN_PORT = 1;
    private static final int MAX_PORT = 65_535;

    private NodesSection() {
    }

    /** The nodes in {@code value}, in file order; relative {@code data_dir}s resolved against {@code baseDir}. */
    static List<NodeSpec> read(ConfigReader reader, JsonNode value, Path baseDir) {
        ArrayNode array = reader.array(value, KEY);
        if (array.isEmpty()) {
            throw reader.fail(KEY, "must list at least one node");
        }
        List<NodeSpec> nodes = new ArrayList<>(array.size());
        Map<String, Integer> indexById = new HashMap<>();
        Map<String, Integer> indexByAddress = new HashMap<>();
        for (int i = 0; i < array.size(); i++) {
            String path = ConfigReader.element(KEY, i);
            NodeSpec node = readNode(reader, array.get(i), path, baseDir);
            Integer sameId = indexById.putIfAbsent(node.id().value(), i);
            if (sameId != null) {
                throw reader.fail(ConfigReader.child(path, "id"), "duplicate node id '" + node.id()
                        + "', already used by " + ConfigReader.element(KEY, sameId));
            }
            Integer sameAddress = indexByAddress.putIfAbsent(node.address(), i);
            if (sameAddress != null) {
                throw reader.fail(path, "address " + ConfigReader.quote(node.address()) + " is already used by "
                        + ConfigReader.element(KEY, sameAddress) + " ('" + nodes.get(sameAddress).id() + "')");
            }
            nodes.add(node);
        }
        return nodes;
    }

    private static NodeSpec readNode(ConfigReader reader, JsonNode value, String path, Path baseDir) {
        ObjectNode object = reader.object(value, path);
        reader.onlyKnownKeys(object, path, NODE_KEYS);
        String idPath = ConfigReader.child(path, "id");
        String id = reader.nonBlankString(reader.required(object, path, "id"), idPath);
        if (!NodeId.isValid(id)) {
            throw reader.fail(idPath, "must be 1 to 64 letters, digits, '.', '_' and '-', starting with a letter or"
                    + " digit, but was " + ConfigReader.quote(id));
        }
        String hostPath = ConfigReader.child(path, "host");
        String portPath = ConfigReader.child(path, "port");
        String host = reader.nonBlankString(reader.required(object, path, "host"), hostPath);
        HostSyntax.hostProblem(host, portPath).ifPresent(problem -> {
            throw reader.fail(hostPath, problem + ", but was " + ConfigReader.quote(host));
        });
        int port = reader.wholeNumberIn(reader.required(object, path, "port"), portPath, MIN_PORT, MAX_PORT);
        String dataDirPath = ConfigReader.child(path, "data_dir");
        Path dataDir = PathResolver.resolve(reader, baseDir,
                reader.nonBlankString(reader.required(object, path, "data_dir"), dataDirPath), dataDirPath);
        List<String> alternatives = ConfigReader.optional(object, "alternative_addresses")
                .map(v -> alternativeAddresses(reader, v, ConfigReader.child(path, "alternative_addresses")))
                .orElse(List.of());
        List<String> command = ConfigReader.optional(object, "command")
                .map(v -> command(reader, v, ConfigReader.child(path, "command")))
                .orElse(List.of());
        List<String> maintenance = ConfigReader.optional(object, "maintenance_command")
                .map(v -> maintenanceCommand(reader, v, ConfigReader.child(path, "maintenance_command")))
                .orElse(List.of());
        String pidFilePath = ConfigReader.child(path, "pid_file");
        Optional<Path> pidFile = ConfigReader.optional(object, "pid_file").map(v -> PathResolver.resolve(reader,
                baseDir, reader.nonBlankString(v, pidFilePath), pidFilePath));
        String supervisePath = ConfigReader.child(path, SUPERVISE);
        Optional<SupervisionCommands> supervise = ConfigReader.optional(object, SUPERVISE)
                .map(v -> supervise(reader, v, supervisePath));
        if (supervise.isPresent() && object.has("command")) {
            throw reader.fail(path, "has both \"command\" and \"supervise\"; a node's process is started either by"
                    + " this daemon as a local child process (command) or by its supervise commands, not both");
        }
        if (supervise.isPresent() && pidFile.isPresent()) {
            throw reader.fail(path, "has both \"pid_file\" and \"supervise\"; pid_file adopts a local process for"
                    + " \"command\" supervision, while the supervise status command says whether the process runs");
        }
        return new NodeSpec(NodeId.of(id), host, port, dataDir, alternatives, command, maintenance, pidFile,
                supervise);
    }

    /**
     * {@code {"start": [...], "stop": [...], "status": [...], "timeout": seconds}}: three required commands, each
     * naming a program, with the placeholders of the supervisor's contract; the timeout is optional, > 0.
     */
    private static SupervisionCommands supervise(ConfigReader reader, JsonNode value, String path) {
        ObjectNode object = reader.object(value, path);
        reader.onlyKnownKeys(object, path, SUPERVISE_KEYS);
        List<String> start = superviseCommand(reader, object, path, "start", SUPERVISE_PLACEHOLDERS);
        List<String> stop = superviseCommand(reader, object, path, "stop", STOP_PLACEHOLDERS);
        List<String> status = superviseCommand(reader, object, path, "status", SUPERVISE_PLACEHOLDERS);
        String timeoutPath = ConfigReader.child(path, "timeout");
        Duration timeout = ConfigReader.optional(object, "timeout").map(v -> reader.seconds(v, timeoutPath))
                .orElse(SupervisionCommands.DEFAULT_TIMEOUT);
        if (timeout.isZero()) {
            throw reader.fail(timeoutPath, "must be a number of seconds > 0, but was 0");
        }
        return new SupervisionCommands(start, stop, status, timeout);
    }

    private static List<String> superviseCommand(ConfigReader reader, ObjectNode object, String path, String key,
                                                 List<String> placeholders) {
        String commandPath = ConfigReader.child(path, key);
        List<String> command = placeheld(reader, reader.required(object, path, key), commandPath, placeholders);
        if (command.isEmpty()) {
            throw reader.fail(commandPath, "must name a program to run, but was an empty array");
        }
        return command;
    }

    /** Each entry must be {@code host:port}, an IPv6 address in brackets: {@code [::1]:80}. */
    private static List<String> alternativeAddresses(ConfigReader reader, JsonNode value, String path) {
        List<String> addresses = reader.strings(value, path);
        for (int i = 0; i < addresses.size(); i++) {
            String address = addresses.get(i);
            String elementPath = ConfigReader.element(path, i);
            HostSyntax.addressProblem(address).ifPresent(problem -> {
                throw reader.fail(elementPath, problem + ", but was " + ConfigReader.quote(address));
            });
        }
        return addresses;
    }

    private static List<String> command(ConfigReader reader, JsonNode value, String path) {
        List<String> command = reader.strings(value, path);
        if (!command.isEmpty() && command.get(0).isBlank()) {
            throw reader.fail(ConfigReader.element(path, 0), "the program to run must not be blank");
        }
        return command;
    }

    /**
     * Like {@code command}, and every {@code {name}} in it must be one of the placeholders: a misspelt
     * {@code {data-dir}} would otherwise reach the repair tool as a literal path and make it repair the wrong place.
     */
    private static List<String> maintenanceCommand(ConfigReader reader, JsonNode value, String path) {
        return placeheld(reader, value, path, PLACEHOLDERS);
    }

    /** A command in which every {@code {name}} is one of {@code placeholders}. */
    private static List<String> placeheld(ConfigReader reader, JsonNode value, String path,
                                          List<String> placeholders) {
        List<String> command = command(reader, value, path);
        for (int i = 0; i < command.size(); i++) {
            Matcher placeholder = PLACEHOLDER_LIKE.matcher(command.get(i));
            while (placeholder.find()) {
                if (!placeholders.contains(placeholder.group(1))) {
                    throw reader.fail(ConfigReader.element(path, i), "unknown placeholder "
                            + ConfigReader.quote(placeholder.group()) + "; the placeholders are " + names(placeholders));
                }
            }
        }
        return command;
    }

    /** {@code {id}, {host}, {port} and {data_dir}}. */
    private static String names(List<String> placeholders) {
        List<String> braced = placeholders.stream().map(p -> "{" + p + "}").toList();
        return String.join(", ", braced.subList(0, braced.size() - 1)) + " and " + braced.get(braced.size() - 1);
    }
}
