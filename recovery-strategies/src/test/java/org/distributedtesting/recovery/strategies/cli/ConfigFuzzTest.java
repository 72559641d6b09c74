package org.distributedtesting.recovery.strategies.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.distributedtesting.recovery.core.StrategyRegistry;
import org.distributedtesting.recovery.core.config.ConfigException;
import org.distributedtesting.recovery.core.config.ConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Feeds generated configurations, mutations of a valid one, through the daemon's own configuration step (the
 * loader, the strategies' settings, the control token) in-process, with a fixed seed so that a failure can be
 * replayed: wrong types, extreme numbers, control characters, deep nesting, huge strings, missing and extra keys,
 * bad hosts, ports, addresses, tokens and strategy settings, and damaged bytes. No exception but
 * {@link ConfigException} may escape, and every refusal is one printable line that names the file and, unless the
 * file as a whole is unusable, the key.
 */
class ConfigFuzzTest {

    private static final long SEED = 20_261_207L;
    private static final int CONFIGS = 600;

    /** A refusal or an acceptance is a parse and a few checks; far below this even on a loaded machine. */
    private static final long SLOWEST_ALLOWED_NANOS = 1_000_000_000L;

    /** Control and format characters, line separators and unpaired surrogates. */
    private static final Pattern UNPRINTABLE = Pattern.compile("[\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}\\p{Cs}]");
    private static final Pattern PLAIN_KEY_PATH = Pattern.compile("[A-Za-z0-9_.\\[\\]-]{1,100}");
    private static final List<String> WHOLE_FILE_PROBLEMS = List.of("not valid JSON", "is empty",
            "the top level must be a JSON object", "unexpected content after the top-level JSON value",
            "cannot read");

    /** Writes nesting far deeper than any reader allows, so that the loader's limit is what refuses it. */
    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(10_000).build()).build());
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private static final List<String> STRATEGIES = List.of("split_brain", "term_divergence", "network_partition",
            "process_crash", "log_corruption", "database_corruption", "state_divergence", "deadlock",
            "resource_exhaustion", "slow_follower", "proces_crash", "slow-follower", "", " ", "SLOW_FOLLOWER");
    private static final List<String> SETTING_KEYS = List.of("catch_up_lag_entries", "require_checksum_agreement",
            "leader_disagreement_cycles", "election_window", "min_failed_elections", "stabilization_cycles",
            "max_term_spread", "max_term_growth", "growth_window_cycles", "max_operation_age", "stall_cycles",
            "max_not_serving", "disk_threshold", "memory_threshold", "file_threshold", "cpu_threshold",
            "sustain_cycles", "trend_window_cycles", "horizon_seconds", "trend_floor", "max_lag_entries",
            "lag_floor_entries", "min_growth_entries", "caught_up_lag_entries", "stable_cycles",
            "min_fault_tolerance", "slow_probe_latency", "permanent_learners", "max_lag", "colour", "");
    private static final List<String> HOST_PIECES = List.of("node-1", "a", "example", "com", ".", "-", "_", "127",
            "0", "1", "256", "010", "::", ":", "ffff", "[", "]", "%", "eth0", "http://", "/", "@", " ", "\n", "\t",
            "\u007F", "\u0000", "\u00fc", "\u202E", "xn--bcher-kva", "18601", "a".repeat(64));
    private static final List<String> GOOD_HOSTS = List.of("localhost", "127.0.0.1", "::1",
            "coordinator1.example.com", "2001:db8::1", "fe80::1%eth0");
    private static final List<String> BAD_HOSTS = List.of("10.0.0.256", "bad host", "http://127.0.0.1",
            "127.0.0.1:18601", "[::1", "[::1]", "node\n1", "a_b", "-a", "a".repeat(254));
    private static final List<String> GOOD_ADDRESSES = List.of("10.0.0.2:8080", "[::1]:9000",
            "[fe80::1%eth0]:9000", "coordinator1.example.com.:1", "localhost:65535");
    /** A known setting of a strategy with a value it takes, as "strategy key json". */
    private static final List<String> GOOD_SETTINGS = List.of("slow_follower max_lag_entries 1000",
            "slow_follower permanent_learners [\"node-2\"]", "deadlock stall_cycles 7",
            "network_partition election_window 12.5", "resource_exhaustion cpu_threshold 0.99",
            "process_crash catch_up_lag_entries 0", "database_corruption require_checksum_agreement true",
            "term_divergence max_term_spread 2", "log_corruption catch_up_lag_entries 1e3");
    /** Keys no object of the configuration knows. */
    private static final List<String> UNKNOWN_KEYS = List.of("recovery_dirs", "hots", "colour", "max_lag");
    private static final Set<String> KNOWN_STRATEGIES = Set.of("split_brain", "term_divergence", "network_partition",
            "process_crash", "log_corruption", "database_corruption", "state_divergence", "deadlock",
            "resource_exhaustion", "slow_follower");
    private static final Pattern TOKEN = Pattern.compile("[!-~]{1,4096}");
    private static final String STRING_ALPHABET = "abcXYZ019 -_.:,;'\"\\{}[]%$@!?\t\n\r\u0000\u0007\u001B\u007F"
            + "\u0085\u00fc\u2028\u202E\uFEFF\uD83D\uDE00";
    private static final String TOKEN_ALPHABET = "abcdefXYZ0123456789-_.~+/= \t\n\u007F\u0000\u00f6";

    @TempDir
    Path dir;

    private final Random random = new Random(SEED);

    /** Why the config being generated must be refused whatever the loader's details, or null when it may pass. */
    private String mustRefuse;

    /** The valid change the config being generated differs by from the valid config, or null. */
    private String mustAccept;

    @Test
    void everyGeneratedConfigIsAcceptedOrRefusedInOnePrintableLine() throws Exception {
        // Given
        ObjectNode valid = validConfig();
        Path file = dir.resolve("cluster.json");
        int accepted = 0;
        int refusedNamingAKey = 0;
        int refusedAsAWhole = 0;
        int certainRefusals = 0;
        int certainAcceptances = 0;
        long slowest = 0;
        Set<String> refusedKeys = new TreeSet<>();
        List<String> problems = new ArrayList<>();

        for (int i = 0; i < CONFIGS; i++) {
            Map<String, String> env = new HashMap<>();
            byte[] content = mutate(valid.deepCopy(), env);
            Files.write(file, content);

            // When
            long start = System.nanoTime();
            Throwable thrown = null;
            try {
                load(file, env);
            } catch (Throwable t) { // every throwable is judged below: anything but a ConfigException fails the test
                thrown = t;
            }
            slowest = Math.max(slowest, System.nanoTime() - start);

            // Then
            if (mustRefuse != null) {
                certainRefusals++;
            }
            if (mustAccept != null) {
                certainAcceptances++;
            }
            if (thrown != null && mustAccept != null) {
                problems.add("config " + i + ": refused (" + shown(thrown.getMessage()) + "), but it only "
                        + mustAccept);
            } else if (thrown == null && mustRefuse != null) {
                problems.add("config " + i + ": accepted, but " + mustRefuse + ": " + shown(content));
            } else if (thrown == null) {
                accepted++;
            } else if (!(thrown instanceof ConfigException e)) {
                problems.add("config " + i + ": " + thrown + " for " + shown(content));
            } else {
                String problem = judge(e, file);
                if (problem != null) {
                    problems.add("config " + i + ": " + problem + " for " + shown(content));
                } else if (e.keyPath().isEmpty()) {
                    refusedAsAWhole++;
                } else {
                    refusedNamingAKey++;
                    refusedKeys.add(e.keyPath().replaceAll("\\[\\d+]", "[]"));
                }
            }
        }

        System.out.printf("config fuzz, seed %d: %d configs, %d accepted, %d refused naming a key (%d distinct"
                        + " key paths), %d refused as a whole; %d certain refusals, %d certain acceptances;"
                        + " slowest %.1f ms%n",
                SEED, CONFIGS, accepted, refusedNamingAKey, refusedKeys.size(), refusedAsAWhole, certainRefusals,
                certainAcceptances, slowest / 1e6);
        assertThat(problems).as("%d problems, the first ones: %s", problems.size(),
                String.join("\n", problems.subList(0, Math.min(30, problems.size())))).isEmpty();
        assertThat(slowest).as("nanoseconds of the slowest config").isLessThan(SLOWEST_ALLOWED_NANOS);
        // the generator must keep reaching both sides and many keys, or the run proves little
        assertThat(accepted).isGreaterThan(CONFIGS / 10);
        assertThat(refusedNamingAKey).isGreaterThan(CONFIGS / 2);
        assertThat(refusedKeys.size()).isGreaterThan(40);
        assertThat(certainRefusals).isGreaterThan(CONFIGS / 20);
        assertThat(certainAcceptances).isGreaterThan(CONFIGS / 30);
    }

    /** Why the refusal is not one printable line naming the file and the key; null when it is. */
    private static String judge(ConfigException e, Path file) {
        String message = e.getMessage();
        if (message == null || UNPRINTABLE.matcher(message).find()) {
            return "message with a line break or control character: " + shown(message);
        }
        if (message.length() > 1_000) {
            return "message of " + message.length() + " characters";
        }
        if (e.keyPath().isEmpty()) {
            boolean wholeFile = WHOLE_FILE_PROBLEMS.stream().anyMatch(p -> message.startsWith(file + ": " + p))
                    || message.startsWith("config file '" + file + "' is larger than");
            return wholeFile ? null : "refusal naming no key: " + message;
        }
        if (!message.startsWith(file + ": ")) {
            return "message not naming the file: " + message;
        }
        if (PLAIN_KEY_PATH.matcher(e.keyPath()).matches() && !message.startsWith(file + ": " + e.keyPath() + ": ")) {
            return "message not naming key " + e.keyPath() + ": " + message;
        }
        return null;
    }

    /** The daemon's configuration step. */
    private static void load(Path file, Map<String, String> env) {
        RecoveryDaemon.loadConfig(file, StrategyRegistry.ALL, env);
    }

    private static ObjectNode validConfig() throws Exception {
        ObjectNode config = (ObjectNode) JSON.readTree(ConfigLoader.example());
        ObjectNode strategies = config.putObject("strategies");
        strategies.putObject("slow_follower").put("max_lag_entries", 500).putArray("permanent_learners")
                .add("node-3");
        strategies.putObject("deadlock").put("max_operation_age", 45.5).put("stall_cycles", 4);
        strategies.putObject("database_corruption").put("require_checksum_agreement", false);
        strategies.putObject("resource_exhaustion").put("disk_threshold", 0.8);
        return config;
    }

    /**
     * One to three mutations of {@code config}, as the bytes of a file; may put a control token into env. With a
     * single mutation, {@link #mustRefuse} says whether it certainly makes the config invalid: with more, a later
     * one could remove what an earlier one broke.
     */
    private byte[] mutate(ObjectNode config, Map<String, String> env) throws Exception {
        int mutations = random.nextBoolean() ? 1 : 2 + random.nextInt(2); // half single, whose effect is known
        byte[] raw = null;
        String certain = null;
        String valid = null;
        for (int m = 0; m < mutations; m++) {
            valid = null;
            certain = switch (random.nextInt(18)) {
                case 0 -> replaceSomewhere(config, randomValue(0));
                case 1 -> removeSomewhere(config);
                case 2 -> addKeySomewhere(config);
                case 3 -> host(node(config));
                case 4 -> port(node(config));
                case 5 -> {
                    node(config).putArray("alternative_addresses").add(randomAddress());
                    yield null;
                }
                case 6 -> strategySetting(config);
                case 7 -> tokenFile(config);
                case 8 -> envToken(config, env);
                case 9 -> replaceSomewhere(config, NODES.textNode(randomString(100_000 + random.nextInt(500_000))));
                case 10 -> replaceSomewhere(config, deepNesting(1 + random.nextInt(1_200)));
                case 11 -> replaceLeaf(config, extremeNumber());
                case 12 -> replaceLeaf(config, NODES.textNode(randomString(1 + random.nextInt(40))));
                case 13 -> {
                    raw = duplicateAKey(JSON.writeValueAsBytes(config));
                    yield "a key appears twice in one object";
                }
                case 15, 16 -> {
                    valid = validChange(config);
                    yield null;
                }
                default -> {
                    raw = damage(JSON.writeValueAsBytes(config));
                    yield null;
                }
            };
        }
        mustRefuse = mutations == 1 ? certain : null;
        mustAccept = mutations == 1 ? valid : null;
        return raw != null ? raw : JSON.writeValueAsBytes(config);
    }

    /** A change that keeps the config valid: another good host, port, address or setting. */
    private String validChange(ObjectNode config) throws Exception {
        ArrayNode nodes = (ArrayNode) config.get("nodes");
        ObjectNode node = (ObjectNode) nodes.get(random.nextInt(nodes.size()));
        switch (random.nextInt(4)) {
            case 0 -> {
                String host = pick(GOOD_HOSTS); // the nodes' ports differ, so any host keeps host:port unique
                node.put("host", host);
                return "sets host " + host;
            }
            case 1 -> {
                int port = 10_000 + random.nextInt(55_536); // not 8081..8083, the other nodes' ports
                node.put("port", port);
                return "sets port " + port;
            }
            case 2 -> {
                String address = pick(GOOD_ADDRESSES);
                node.putArray("alternative_addresses").add(address);
                return "sets alternative address " + address;
            }
            default -> {
                String[] setting = pick(GOOD_SETTINGS).split(" ", 3);
                ObjectNode strategies = (ObjectNode) config.get("strategies");
                JsonNode settings = strategies.path(setting[0]);
                ObjectNode object = settings.isObject() ? (ObjectNode) settings : strategies.putObject(setting[0]);
                object.set(setting[1], JSON.readTree(setting[2]));
                return "sets strategies." + setting[0] + "." + setting[1] + " to " + setting[2];
            }
        }
    }

    private String host(ObjectNode node) {
        if (random.nextInt(3) == 0) {
            String bad = pick(BAD_HOSTS);
            node.put("host", bad);
            return "host " + shown(bad) + " is no host name or address";
        }
        node.put("host", random.nextBoolean() ? pick(GOOD_HOSTS) : randomHost());
        return null;
    }

    private String port(ObjectNode node) {
        JsonNode port = extremeNumber();
        node.set("port", port);
        boolean valid = port.canConvertToExactIntegral() && port.canConvertToInt() && port.asInt() >= 1
                && port.asInt() <= 65_535;
        return valid ? null : "port " + port + " is outside 1..65535";
    }

    private String envToken(ObjectNode config, Map<String, String> env) {
        String token = randomToken();
        env.put(config.path("control_token_env").asText("RECOVERY_CONTROL_TOKEN"), token);
        String strip = token.strip();
        boolean fromEnv = !config.has("control_token_file");
        return fromEnv && !strip.isEmpty() && !TOKEN.matcher(strip).matches()
                ? "the token in the environment is no printable ASCII token" : null;
    }

    private ObjectNode node(ObjectNode config) {
        JsonNode nodes = config.path("nodes");
        JsonNode some = nodes.isArray() && !nodes.isEmpty() ? nodes.get(random.nextInt(nodes.size())) : null;
        if (some != null && some.isObject()) {
            return (ObjectNode) some;
        }
        ObjectNode node = NODES.objectNode().put("id", "node-9").put("host", "127.0.0.1").put("port", 9)
                .put("data_dir", "data/node-9");
        config.putArray("nodes").add(node);
        return node;
    }

    private String strategySetting(ObjectNode config) {
        JsonNode existing = config.path("strategies");
        ObjectNode strategies = existing.isObject() ? (ObjectNode) existing : config.putObject("strategies");
        String name = pick(STRATEGIES);
        JsonNode settings = strategies.path(name);
        ObjectNode object = settings.isObject() ? (ObjectNode) settings : strategies.putObject(name);
        String key = random.nextInt(4) == 0 ? pick(UNKNOWN_KEYS) : pick(SETTING_KEYS);
        object.set(key, random.nextBoolean() ? extremeNumber() : randomValue(1));
        if (!KNOWN_STRATEGIES.contains(name)) {
            return "there is no strategy " + shown(name);
        }
        return UNKNOWN_KEYS.contains(key) || key.isEmpty() ? "no strategy has a setting " + shown(key) : null;
    }

    private String tokenFile(ObjectNode config) throws Exception {
        String token = randomToken();
        Files.write(dir.resolve("token"), token.getBytes(StandardCharsets.UTF_8));
        config.put("control_token_file", "token");
        return TOKEN.matcher(token.strip()).matches() ? null : "the token file holds no printable ASCII token";
    }

    /** Every (container, key or index) of the tree, so that a mutation can hit any value. */
    private static void slots(JsonNode node, List<Object[]> out) {
        if (node.isObject()) {
            node.fieldNames().forEachRemaining(name -> {
                out.add(new Object[] {node, name});
                slots(node.get(name), out);
            });
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                out.add(new Object[] {node, i});
                slots(node.get(i), out);
            }
        }
    }

    private Object[] someSlot(ObjectNode config) {
        List<Object[]> slots = new ArrayList<>();
        slots(config, slots);
        return slots.isEmpty() ? new Object[] {config, "nodes"} : slots.get(random.nextInt(slots.size()));
    }

    private String replaceSomewhere(ObjectNode config, JsonNode value) {
        set(someSlot(config), value);
        return null;
    }

    private String replaceLeaf(ObjectNode config, JsonNode value) {
        List<Object[]> slots = new ArrayList<>();
        slots(config, slots);
        List<Object[]> leaves = slots.stream().filter(s -> get(s).isValueNode()).toList();
        set(leaves.isEmpty() ? new Object[] {config, "recovery_dir"} : leaves.get(random.nextInt(leaves.size())),
                value);
        return null;
    }

    private String removeSomewhere(ObjectNode config) {
        Object[] slot = someSlot(config);
        if (slot[0] instanceof ObjectNode object) {
            object.remove((String) slot[1]);
        } else {
            ((ArrayNode) slot[0]).remove((Integer) slot[1]);
        }
        return null;
    }

    private String addKeySomewhere(ObjectNode config) {
        List<Object[]> slots = new ArrayList<>();
        slots(config, slots);
        List<ObjectNode> objects = new ArrayList<>(List.of(config));
        slots.stream().map(ConfigFuzzTest::get).filter(JsonNode::isObject).forEach(o -> objects.add((ObjectNode) o));
        ObjectNode target = objects.get(random.nextInt(objects.size()));
        if (random.nextBoolean()) {
            String key = pick(UNKNOWN_KEYS);
            target.set(key, randomValue(1));
            return "no object has a key " + key;
        }
        target.set(random.nextBoolean() ? pick(SETTING_KEYS) : randomString(1 + random.nextInt(12)), randomValue(1));
        return null;
    }

    private static JsonNode get(Object[] slot) {
        return slot[0] instanceof ObjectNode object ? object.get((String) slot[1])
                : ((ArrayNode) slot[0]).get((Integer) slot[1]);
    }

    private static void set(Object[] slot, JsonNode value) {
        if (slot[0] instanceof ObjectNode object) {
            object.set((String) slot[1], value);
        } else {
            ((ArrayNode) slot[0]).set((Integer) slot[1], value);
        }
    }

    private JsonNode randomValue(int depth) {
        switch (random.nextInt(depth > 2 ? 6 : 9)) {
            case 0: return NODES.textNode(randomString(random.nextInt(20)));
            case 1: return extremeNumber();
            case 2: return NODES.booleanNode(random.nextBoolean());
            case 3: return NODES.nullNode();
            case 4: return NODES.textNode(pick(random.nextBoolean() ? GOOD_HOSTS : BAD_HOSTS));
            case 5: return NODES.numberNode(random.nextInt(100));
            case 6: {
                ArrayNode array = NODES.arrayNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    array.add(randomValue(depth + 1));
                }
                return array;
            }
            case 7: {
                ObjectNode object = NODES.objectNode();
                for (int i = random.nextInt(3); i > 0; i--) {
                    object.set(random.nextBoolean() ? pick(SETTING_KEYS) : randomString(5), randomValue(depth + 1));
                }
                return object;
            }
            default: return deepNesting(1 + random.nextInt(30));
        }
    }

    private JsonNode deepNesting(int depth) {
        JsonNode value = random.nextBoolean() ? NODES.numberNode(1) : NODES.textNode("x");
        for (int i = 0; i < depth; i++) {
            value = random.nextBoolean() ? NODES.arrayNode().add(value) : NODES.objectNode().set("port", value);
        }
        return value;
    }

    private JsonNode extremeNumber() {
        return switch (random.nextInt(14)) {
            case 0 -> NODES.numberNode(0);
            case 1 -> NODES.numberNode(-1);
            case 2 -> NODES.numberNode(65_536);
            case 3 -> NODES.numberNode(Integer.MAX_VALUE + 1L);
            case 4 -> NODES.numberNode(Long.MAX_VALUE);
            case 5 -> NODES.numberNode(Long.MIN_VALUE);
            case 6 -> NODES.numberNode(new BigInteger("9".repeat(1 + random.nextInt(900))));
            case 7 -> NODES.numberNode(new BigDecimal("1e" + (300 + random.nextInt(100_000))));
            case 8 -> NODES.numberNode(new BigDecimal("-1e-" + (300 + random.nextInt(100_000))));
            case 9 -> NODES.numberNode(Double.MAX_VALUE);
            case 10 -> NODES.numberNode(Double.MIN_VALUE);
            case 11 -> NODES.numberNode(0.5);
            case 12 -> NODES.numberNode(-0.0);
            default -> NODES.numberNode(1 + random.nextInt(65_535));
        };
    }

    private String randomHost() {
        if (random.nextInt(4) == 0) {
            return pick(random.nextBoolean() ? GOOD_HOSTS : BAD_HOSTS);
        }
        StringBuilder host = new StringBuilder();
        for (int i = 1 + random.nextInt(6); i > 0; i--) {
            host.append(pick(HOST_PIECES));
        }
        if (random.nextInt(20) == 0) {
            host.append("a".repeat(300));
        }
        return host.toString();
    }

    private String randomAddress() {
        String host = randomHost();
        String port = switch (random.nextInt(6)) {
            case 0 -> "";
            case 1 -> "0";
            case 2 -> "65536";
            case 3 -> "+80";
            case 4 -> String.valueOf(1 + random.nextInt(65_535));
            default -> randomString(3);
        };
        return random.nextInt(3) == 0 ? "[" + host + "]:" + port : host + ":" + port;
    }

    private String randomToken() {
        int length = random.nextInt(10) == 0 ? 3_000 + random.nextInt(3_000) : random.nextInt(40);
        StringBuilder token = new StringBuilder();
        for (int i = 0; i < length; i++) {
            token.append(random.nextInt(5) == 0 ? TOKEN_ALPHABET.charAt(random.nextInt(TOKEN_ALPHABET.length()))
                    : (char) ('a' + random.nextInt(26)));
        }
        return token.toString();
    }

    /** Characters of every awkward kind; never a '/' and never "..", so that no path leaves the test directory. */
    private String randomString(int length) {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(STRING_ALPHABET.charAt(random.nextInt(STRING_ALPHABET.length())));
        }
        String result = text.toString();
        return result.equals("..") ? "._" : result;
    }

    private byte[] duplicateAKey(byte[] json) {
        String text = new String(json, StandardCharsets.UTF_8);
        String key = pick(List.of("\"port\":", "\"nodes\":", "\"host\":", "\"strategies\":", "\"confirmations\":"));
        return text.replaceFirst(Pattern.quote(key), key + "1," + key).getBytes(StandardCharsets.UTF_8);
    }

    /** A few bytes inserted, deleted or overwritten, anywhere. */
    private byte[] damage(byte[] json) {
        List<Byte> bytes = new ArrayList<>();
        for (byte b : json) {
            bytes.add(b);
        }
        byte[] awkward = {0, '"', '{', '}', '[', ']', ',', ':', '\\', '\n', (byte) 0xFF, (byte) 0xC3, 0x7F, 'e',
                '-', '0'};
        for (int i = 1 + random.nextInt(3); i > 0 && !bytes.isEmpty(); i--) {
            int at = random.nextInt(bytes.size());
            switch (random.nextInt(3)) {
                case 0 -> bytes.add(at, awkward[random.nextInt(awkward.length)]);
                case 1 -> bytes.remove(at);
                default -> bytes.set(at, awkward[random.nextInt(awkward.length)]);
            }
        }
        if (random.nextInt(10) == 0) {
            bytes.subList(random.nextInt(bytes.size()), bytes.size()).clear(); // cut short
        }
        byte[] out = new byte[bytes.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = bytes.get(i);
        }
        return out;
    }

    private <T> T pick(List<T> list) {
        return list.get(random.nextInt(list.size()));
    }

    private static String shown(byte[] content) {
        return shown(new String(content, StandardCharsets.UTF_8));
    }

    private static String shown(String text) {
        if (text == null) {
            return "null";
        }
        String escaped = UNPRINTABLE.matcher(text.length() > 300 ? text.substring(0, 300) + "..." : text)
                .replaceAll(m -> String.format("\\\\u%04X", (int) m.group().charAt(0)));
        return escaped + " (" + text.length() + " characters)";
    }
}
