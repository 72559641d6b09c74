package org.distributedtesting.recovery.core.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.core.coordination.zookeeper.ZooKeeperSettings;

/**
 * Loads and validates the cluster configuration file: the seed's JSON format plus optional settings with safe
 * defaults. The JSON is walked as a tree, not bound by reflection, so that every error names its key path:
 * {@code cluster.json: nodes[1].port: must be an integer in 1..65535, but was 70000}. Unknown keys are errors
 * (with a "did you mean" for near misses), and so are duplicated keys. Only a regular file of at most
 * {@link #MAX_CONFIG_BYTES} is read: a FIFO, a device, a socket or a directory is refused before it is opened, a
 * larger file before it is read. The strategies' own settings are checked by {@link ConfiguredStrategies}, which
 * knows the strategies.
 *
 * <p>Stateless and thread-safe.
 */
public final class ConfigLoader {

    /**
     * The largest configuration file read, 1 MiB: a cluster of hundreds of nodes with every key spelt out takes
     * tens of KiB, and a file larger than this is not a configuration (a log, a dump, {@code /dev/zero}).
     */
    public static final int MAX_CONFIG_BYTES = 1 << 20;

    private static final String RECOVERY_DIR = "recovery_dir";

    private static final List<String> TOP_LEVEL_KEYS = List.of(NodesSection.KEY, RECOVERY_DIR,
            RecoveryOptionsSection.KEY, FailureTypesSection.KEY, StrategiesSection.KEY, ControlTokenSection.FILE_KEY,
            ControlTokenSection.ENV_KEY, MetricsSection.KEY, AlertsSection.KEY, HistorySection.KEY,
            CoordinationSection.KEY, PluginsSection.KEY);

    /** How messages name a configuration given as a string to {@link #parse(String, Path)}. */
    private static final String INLINE_SOURCE = "config";

    private static final ObjectMapper MAPPER =
            new ObjectMapper(new JsonFactory().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION));

    /** Jackson's location inside a message, e.g. {@code [Source: REDACTED (...); line: 2, column: 12]}. */
    private static final Pattern SOURCE_LOCATION = Pattern.compile("\\[Source: .*?; line: (\\d+), column: (\\d+)]");

    /** Jackson's message for a key that appears twice in one object, see {@code DupDetector}. */
    private static final String DUPLICATE_FIELD_PREFIX = "Duplicate field '";

    /** A source of parsers over one document. */
    @FunctionalInterface
    private interface ParserSource {
        JsonParser open() throws IOException;
    }

    private ConfigLoader() {
    }

    /**
     * Reads, validates and resolves a configuration file. Relative paths are taken relative to the file's
     * directory; {@code recovery_dir} is created if missing and must be writable.
     *
     * @throws ConfigException with a one-line message naming the file, key path and problem
     */
    public static RecoveryConfig load(Path file) {
        Objects.requireNonNull(file, "file");
        byte[] content = read(file);
        ConfigReader reader = new ConfigReader(file.toString());
        Path source = file.toAbsolutePath().normalize();
        JsonNode root = readTree(reader, () -> MAPPER.createParser(content));
        return fromTree(reader, root, source.getParent(), source);
    }

    /** The file's bytes, if it is a regular file of at most {@link #MAX_CONFIG_BYTES}. */
    private static byte[] read(Path file) {
        String named = "config file " + ConfigReader.quote(file);
        try {
            Optional<String> kind = RegularFiles.notRegular(file);
            if (kind.isPresent()) {
                throw new ConfigException("", named + " is " + kind.get() + ", not a regular file");
            }
            // the size first, so that a huge file is refused without a read; the read is bounded all the same,
            // since a file may grow, and one in /proc reports a size of 0
            byte[] content = Files.size(file) > MAX_CONFIG_BYTES ? null
                    : RegularFiles.readUpTo(file, MAX_CONFIG_BYTES);
            if (content == null || content.length > MAX_CONFIG_BYTES) {
                throw new ConfigException("", named + " is larger than " + MAX_CONFIG_BYTES + " bytes ("
                        + (MAX_CONFIG_BYTES >> 20) + " MiB), the most a configuration may have");
            }
            return content;
        } catch (NoSuchFileException e) {
            throw new ConfigException("", named + " does not exist");
        } catch (IOException e) {
            throw new ConfigException("", "cannot read " + named + ": " + MessageText.escape(PathResolver.reason(e)),
                    e);
        }
    }

    /**
     * Validates a configuration given as text, for tests and for hosts that embed it. Messages name the source
     * {@code config}; {@code recovery_dir} is created if missing and must be writable, as with {@link #load}.
     *
     * @param json    the configuration
     * @param baseDir the directory relative paths are resolved against; also the result's {@code source}
     * @throws ConfigException with a one-line message naming the key path and problem
     */
    public static RecoveryConfig parse(String json, Path baseDir) {
        Objects.requireNonNull(json, "json");
        Objects.requireNonNull(baseDir, "baseDir");
        ConfigReader reader = new ConfigReader(INLINE_SOURCE);
        Path base = baseDir.toAbsolutePath().normalize();
        JsonNode root = readTree(reader, () -> MAPPER.createParser(json));
        return fromTree(reader, root, base, base);
    }

    /**
     * A complete, valid configuration using every key but {@code control_token_file} (which must name an existing
     * file), with relative paths; for {@code --help} and docs.
     */
    public static String example() {
        return """
                {
                  "nodes": [
                    {"id": "node-1", "host": "127.0.0.1", "port": 8081, "data_dir": "data/node-1",
                     "alternative_addresses": ["10.0.0.1:8081"],
                     "command": ["java", "-jar", "node.jar", "--port", "{port}"]},
                    {"id": "node-2", "host": "127.0.0.1", "port": 8082, "data_dir": "data/node-2",
                     "alternative_addresses": [],
                     "supervise": {"start": ["systemctl", "start", "coordinator@{id}"],
                                   "stop": ["systemctl", "stop", "coordinator@{id}"],
                                   "status": ["systemctl", "is-active", "coordinator@{id}"], "timeout": 30}},
                    {"id": "node-3", "host": "127.0.0.1", "port": 8083, "data_dir": "data/node-3",
                     "maintenance_command": ["repair-tool", "--id", "{id}", "--data-dir", "{data_dir}"]}
                  ],
                  "recovery_dir": "recovery",
                  "recovery_options": {
                    "auto_restart": true, "backup_before_recovery": true,
                    "max_restart_attempts": 5, "restart_cooldown": 60,
                    "confirmations": 3, "probe_timeout": 2, "history_size": 60, "node_cooldown": 30,
                    "backoff_initial": 10, "backoff_max": 300,
                    "verify_timeout": 60, "verify_interval": 1,
                    "action_budget": 30, "action_budget_window": 600, "quarantine_retry_after": 600,
                    "maintenance_timeout": 120, "dry_run": false
                  },
                  "failure_types": ["split_brain", "network_partition", "process_crash", "slow_follower"],
                  "control_token_env": "RECOVERY_CONTROL_TOKEN",
                  "metrics": {"listen": "127.0.0.1:9464"},
                  "alerts": {"cluster": "example", "sinks": [
                    {"type": "alertmanager", "urls": ["http://127.0.0.1:9093"], "events": "failures"},
                    {"type": "slack", "url_env": "SLACK_WEBHOOK_URL", "events": "escalations"}
                  ]},
                  "history_database": "recovery/recovery.duckdb",
                  "strategies": {
                    "process_crash": {"catch_up_lag_entries": 250}
                  }
                }
                """;
    }

    private static JsonNode readTree(ConfigReader reader, ParserSource source) {
        try (JsonParser parser = source.open()) {
            JsonNode root = MAPPER.readTree(parser);
            if (root != null && parser.nextToken() != null) {
                throw reader.fail("", "unexpected content after the top-level JSON value "
                        + at(parser.currentLocation()));
            }
            return root;
        } catch (JsonProcessingException e) {
            throw notJson(reader, e);
        } catch (IOException e) {
            throw reader.fail("", "cannot read: " + PathResolver.reason(e));
        }
    }

    private static ConfigException notJson(ConfigReader reader, JsonProcessingException e) {
        String problem = e.getOriginalMessage();
        if (problem.startsWith(DUPLICATE_FIELD_PREFIX) && e.getProcessor() instanceof JsonParser parser) {
            String path = keyPath(parser.getParsingContext());
            String key = problem.substring(DUPLICATE_FIELD_PREFIX.length(), problem.lastIndexOf('\''));
            return reader.fail(path, "duplicate key " + ConfigReader.quote(key) + " " + at(e.getLocation()));
        }
        String readable = SOURCE_LOCATION.matcher(problem).replaceAll("line $1, column $2");
        return reader.fail("", "not valid JSON " + at(e.getLocation()) + ": " + readable);
    }

    private static String at(JsonLocation location) {
        return location == null ? "" : "at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    /** The key path of the parser's position, in this loader's {@code nodes[1].port} notation. */
    private static String keyPath(JsonStreamContext context) {
        StringBuilder path = new StringBuilder();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                path.insert(0, "[" + c.getCurrentIndex() + "]");
            } else if (c.getCurrentName() != null) {
                boolean nested = c.getParent() != null && !c.getParent().inRoot();
                path.insert(0, (nested ? "." : "") + c.getCurrentName());
            }
        }
        return path.toString();
    }

    private static RecoveryConfig fromTree(ConfigReader reader, JsonNode root, Path baseDir, Path source) {
        if (root == null || root.isMissingNode()) {
            throw reader.fail("", "is empty; expected a JSON object with at least \"nodes\" and \"recovery_dir\"");
        }
        if (!root.isObject()) {
            throw reader.fail("", "the top level must be a JSON object, but was " + ConfigReader.describe(root));
        }
        ObjectNode top = (ObjectNode) root;
        reader.onlyKnownKeys(top, "", TOP_LEVEL_KEYS);
        List<NodeSpec> nodes = NodesSection.read(reader, reader.required(top, "", NodesSection.KEY), baseDir);
        Path recoveryDir = PathResolver.resolve(reader, baseDir,
                reader.nonBlankString(reader.required(top, "", RECOVERY_DIR), RECOVERY_DIR), RECOVERY_DIR);
        RecoveryOptions options = ConfigReader.optional(top, RecoveryOptionsSection.KEY)
                .map(v -> RecoveryOptionsSection.read(reader, v))
                .orElseGet(RecoveryOptions::defaults);
        Set<FailureType> failureTypes = ConfigReader.optional(top, FailureTypesSection.KEY)
                .map(v -> FailureTypesSection.read(reader, v))
                .orElse(Set.of());
        Map<String, Settings> strategies = ConfigReader.optional(top, StrategiesSection.KEY)
                .map(v -> StrategiesSection.read(reader, v))
                .orElse(Map.of());
        Optional<Path> controlTokenFile = ControlTokenSection.file(reader, top, baseDir);
        String controlTokenEnv = ControlTokenSection.env(reader, top);
        Optional<ListenAddress> metricsListen = ConfigReader.optional(top, MetricsSection.KEY)
                .flatMap(v -> MetricsSection.read(reader, v));
        String fileName = source.getFileName() == null ? "cluster" : source.getFileName().toString();
        String defaultCluster = fileName.contains(".") ? fileName.substring(0, fileName.lastIndexOf('.')) : fileName;
        Optional<AlertsConfig> alerts = ConfigReader.optional(top, AlertsSection.KEY)
                .map(v -> AlertsSection.read(reader, v, baseDir, defaultCluster));
        Optional<Path> historyDatabase = HistorySection.read(reader, top, baseDir);
        Optional<ZooKeeperSettings> coordination = ConfigReader.optional(top, CoordinationSection.KEY)
                .map(v -> CoordinationSection.read(reader, v));
        Optional<Path> plugins = PluginsSection.read(reader, top, baseDir);
        // Last, so that a file with mistakes does not leave a directory behind.
        PathResolver.requireWritableDirectory(reader, recoveryDir, RECOVERY_DIR);
        return new RecoveryConfig(source, nodes, recoveryDir, options, failureTypes, strategies, controlTokenFile,
                controlTokenEnv, metricsListen, alerts, historyDatabase, coordination, plugins);
    }
}
