package org.distributedtesting.recovery.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every bad configuration is rejected with its key path and a one-line message saying what is wrong. */
class BadConfigTest {

    /** A regular file in the config directory, for cases that need a file where a directory should be. */
    private static final String REGULAR_FILE = "regular-file";
    /** Token files that cannot serve as one. */
    private static final String EMPTY_TOKEN = "empty-token";
    private static final String BLANK_TOKEN = "blank-token";
    private static final String TWO_LINE_TOKEN = "two-line-token";
    private static final String BINARY_TOKEN = "binary-token";

    private static final String NODE = "{'id': 'n1', 'host': 'h', 'port': 1, 'data_dir': 'd'}";
    private static final String NODES = "'nodes': [" + NODE + "]";
    private static final String VALID_TOP = NODES + ", 'recovery_dir': 'rec'";

    @TempDir
    Path dir;

    @BeforeEach
    void createRegularFile() throws IOException {
        Files.writeString(dir.resolve(REGULAR_FILE), "not a directory");
        Files.writeString(dir.resolve(EMPTY_TOKEN), "");
        Files.writeString(dir.resolve(BLANK_TOKEN), " \n\t\n");
        Files.writeString(dir.resolve(TWO_LINE_TOKEN), "first-half\nsecond-half\n");
        Files.write(dir.resolve(BINARY_TOKEN), new byte[] {(byte) 0xC3, (byte) 0x28, 'a'});
    }

    static Stream<Arguments> badConfigs() {
        return Stream.of(
                bad("missing file", null, "", "does not exist"),
                bad("not JSON", "{\n  'nodes': [}", "", "not valid JSON at line 2, column 13: "),
                bad("empty file", "", "", "is empty"),
                bad("only whitespace", "  \n ", "", "is empty"),
                bad("content after the object", "{" + VALID_TOP + "} {}", "", "unexpected content after"),
                bad("top level array", "[]", "", "top level must be a JSON object, but was an array"),
                bad("missing nodes", "{'recovery_dir': 'rec'}", "nodes", "is required"),
                bad("empty nodes", "{'nodes': [], 'recovery_dir': 'rec'}", "nodes", "at least one node"),
                bad("nodes not an array", "{'nodes': {}, 'recovery_dir': 'rec'}", "nodes",
                        "must be an array, but was an object"),
                bad("node not an object", "{'nodes': ['n1'], 'recovery_dir': 'rec'}", "nodes[0]",
                        "must be an object, but was \"n1\" (a string)"),
                bad("missing id", nodes("{'host': 'h', 'port': 1, 'data_dir': 'd'}"), "nodes[0].id", "is required"),
                bad("blank id", nodes("{'id': ' ', 'host': 'h', 'port': 1, 'data_dir': 'd'}"), "nodes[0].id",
                        "must not be blank"),
                bad("id with a space", nodes("{'id': 'n 1', 'host': 'h', 'port': 1, 'data_dir': 'd'}"),
                        "nodes[0].id", "must be 1 to 64 letters, digits, '.', '_' and '-', starting with a letter"),
                bad("id of 65 characters", nodes("{'id': '" + "n".repeat(65) + "', 'host': 'h', 'port': 1,"
                        + " 'data_dir': 'd'}"), "nodes[0].id", "must be 1 to 64 letters"),
                bad("id with an escape sequence", nodes("{'id': 'n\\u001b[31m', 'host': 'h', 'port': 1,"
                        + " 'data_dir': 'd'}"), "nodes[0].id", "but was 'n\\u001B[31m'"),
                bad("missing data_dir", nodes("{'id': 'n1', 'host': 'h', 'port': 1}"), "nodes[0].data_dir",
                        "is required"),
                bad("duplicate node ids", nodes(NODE + ", {'id': 'n1', 'host': 'h', 'port': 2, 'data_dir': 'd'}"),
                        "nodes[1].id", "duplicate node id 'n1', already used by nodes[0]"),
                bad("duplicate host:port", nodes(NODE + ", {'id': 'n2', 'host': 'h', 'port': 1, 'data_dir': 'd'}"),
                        "nodes[1]", "address 'h:1' is already used by nodes[0] ('n1')"),
                bad("port out of range", nodes(NODE + ", {'id': 'n2', 'host': 'h', 'port': 70000, 'data_dir': 'd'}"),
                        "nodes[1].port", "must be an integer in 1..65535, but was 70000"),
                bad("port zero", nodes("{'id': 'n1', 'host': 'h', 'port': 0, 'data_dir': 'd'}"), "nodes[0].port",
                        "must be an integer in 1..65535, but was 0"),
                bad("port as string", nodes("{'id': 'n1', 'host': 'h', 'port': '8080', 'data_dir': 'd'}"),
                        "nodes[0].port", "but was \"8080\" (a string)"),
                bad("port fractional", nodes("{'id': 'n1', 'host': 'h', 'port': 80.5, 'data_dir': 'd'}"),
                        "nodes[0].port", "but was 80.5"),
                bad("alternative address without port", nodes("{'id': 'n1', 'host': 'h', 'port': 1, "
                        + "'data_dir': 'd', 'alternative_addresses': ['10.0.0.2']}"),
                        "nodes[0].alternative_addresses[0]", "must be host:port"),
                bad("command element not a string", nodes("{'id': 'n1', 'host': 'h', 'port': 1, 'data_dir': 'd', "
                        + "'command': ['java', 5]}"), "nodes[0].command[1]", "must be a string, but was 5"),
                bad("maintenance_command not an array", nodes("{'id': 'n1', 'host': 'h', 'port': 1, "
                        + "'data_dir': 'd', 'maintenance_command': 'repair {data_dir}'}"),
                        "nodes[0].maintenance_command", "must be an array, but was \"repair {data_dir}\" (a string)"),
                bad("maintenance_command blank program", nodes("{'id': 'n1', 'host': 'h', 'port': 1, "
                        + "'data_dir': 'd', 'maintenance_command': [' ', '{id}']}"),
                        "nodes[0].maintenance_command[0]", "the program to run must not be blank"),
                bad("maintenance_command misspelt placeholder", nodes("{'id': 'n1', 'host': 'h', 'port': 1, "
                        + "'data_dir': 'd', 'maintenance_command': ['repair', '--dir={data-dir}']}"),
                        "nodes[0].maintenance_command[1]", "unknown placeholder '{data-dir}'; the placeholders are "
                                + "{id}, {host}, {port}, {data_dir} and {epoch}"),
                bad("maintenance_command misspelt", nodes("{'id': 'n1', 'host': 'h', 'port': 1, 'data_dir': 'd', "
                        + "'maintenance_comand': ['repair']}"), "nodes[0].maintenance_comand",
                        "did you mean 'maintenance_command'?"),
                bad("zero maintenance_timeout", options("'maintenance_timeout': 0"),
                        "recovery_options.maintenance_timeout", "must be > 0, but was 0"),
                bad("maintenance_timeout as string", options("'maintenance_timeout': '120'"),
                        "recovery_options.maintenance_timeout", "must be a number of seconds >= 0, but was \"120\""),
                bad("unknown node key", nodes("{'id': 'n1', 'hots': 'h', 'port': 1, 'data_dir': 'd'}"),
                        "nodes[0].hots", "unknown key 'hots'; did you mean 'host'?"),
                bad("missing recovery_dir", "{" + NODES + "}", "recovery_dir", "is required"),
                bad("recovery_dir is a file", "{" + NODES + ", 'recovery_dir': '" + REGULAR_FILE + "'}",
                        "recovery_dir", "exists but is not a directory"),
                bad("recovery_dir under a regular file", "{" + NODES + ", 'recovery_dir': '" + REGULAR_FILE
                        + "/recovery'}", "recovery_dir", "cannot create directory"),
                bad("recovery_options null", "{" + VALID_TOP + ", 'recovery_options': null}", "recovery_options",
                        "must be an object, but was null"),
                bad("negative max_restart_attempts", options("'max_restart_attempts': -1"),
                        "recovery_options.max_restart_attempts", "must be > 0, but was -1"),
                bad("fractional max_restart_attempts", options("'max_restart_attempts': 5.5"),
                        "recovery_options.max_restart_attempts", "must be a whole number, but was 5.5"),
                bad("max_restart_attempts as string", options("'max_restart_attempts': '5'"),
                        "recovery_options.max_restart_attempts", "must be a whole number, but was \"5\" (a string)"),
                bad("negative restart_cooldown", options("'restart_cooldown': -5"),
                        "recovery_options.restart_cooldown", "must be a number of seconds >= 0, but was -5"),
                bad("zero verify_timeout", options("'verify_timeout': 0"), "recovery_options.verify_timeout",
                        "must be > 0, but was 0"),
                bad("backoff_max below backoff_initial", options("'backoff_initial': 20, 'backoff_max': 10.5"),
                        "recovery_options.backoff_max", "must be >= backoff_initial (20), but was 10.5"),
                bad("backoff_initial above the default backoff_max", options("'backoff_initial': 900"),
                        "recovery_options.backoff_max", "backoff_max is not set, so its default applies"),
                bad("wrong type for auto_restart", options("'auto_restart': 'yes'"),
                        "recovery_options.auto_restart", "must be true or false, but was \"yes\" (a string)"),
                bad("unknown recovery option", options("'dryrun': true"), "recovery_options.dryrun",
                        "did you mean 'dry_run'?"),
                bad("unknown failure type name", "{" + VALID_TOP + ", 'failure_types': ['split_brain', "
                        + "'process_crsh']}", "failure_types[1]",
                        "unknown failure type 'process_crsh' (did you mean 'process_crash'?); known types are "
                                + "split_brain, term_divergence"),
                bad("empty failure_types", "{" + VALID_TOP + ", 'failure_types': []}", "failure_types",
                        "leave the key out to watch all"),
                bad("unknown top-level key with suggestion", "{" + VALID_TOP + ", 'recovery_dirs': 'x'}",
                        "recovery_dirs", "unknown key 'recovery_dirs'; did you mean 'recovery_dir'?"),
                bad("unknown top-level key without suggestion", "{" + VALID_TOP + ", 'colour': 'red'}",
                        "colour", "known keys are nodes, recovery_dir, recovery_options, failure_types, strategies"),
                bad("duplicate JSON key", "{" + VALID_TOP + ", 'recovery_dir': 'other'}", "recovery_dir",
                        "duplicate key 'recovery_dir' at line 1"),
                bad("duplicate JSON key in a node", nodes(NODE + ", {'id': 'n2', 'host': 'h', 'port': 2, 'port': 3, "
                        + "'data_dir': 'd'}"), "nodes[1].port", "duplicate key 'port'"),
                bad("strategies value not an object", "{" + VALID_TOP + ", 'strategies': []}", "strategies",
                        "must be an object, but was an array"),
                bad("strategy not an object", "{" + VALID_TOP + ", 'strategies': {'process_crash': 5}}",
                        "strategies.process_crash", "must be an object, but was 5"),
                bad("strategy setting is an object", "{" + VALID_TOP + ", 'strategies': {'process_crash': "
                        + "{'window': {'seconds': 5}}}}", "strategies.process_crash.window",
                        "must be a number, true/false or a string, but was an object"),
                bad("control_token_file missing", top("'control_token_file': 'secrets/token'"),
                        "control_token_file", "secrets/token' does not exist"),
                bad("control_token_file a directory", top("'control_token_file': '.'"), "control_token_file",
                        "is a directory, not a regular file"),
                bad("control_token_file empty", top("'control_token_file': '" + EMPTY_TOKEN + "'"),
                        "control_token_file", EMPTY_TOKEN + "' is empty; it must hold the token"),
                bad("control_token_file only whitespace", top("'control_token_file': '" + BLANK_TOKEN + "'"),
                        "control_token_file", "is empty; it must hold the token"),
                bad("control_token_file two lines", top("'control_token_file': '" + TWO_LINE_TOKEN + "'"),
                        "control_token_file", "must hold the token as printable ASCII without whitespace, but it has a"
                                + " line break at character 11"),
                bad("control_token_file not UTF-8", top("'control_token_file': '" + BINARY_TOKEN + "'"),
                        "control_token_file", "is not UTF-8 text"),
                bad("control_token_file blank", top("'control_token_file': ' '"), "control_token_file",
                        "must not be blank"),
                bad("control_token_file not a string", top("'control_token_file': 5"), "control_token_file",
                        "must be a string, but was 5"),
                bad("control_token_env with a dash", top("'control_token_env': 'MY-TOKEN'"), "control_token_env",
                        "must be the name of an environment variable (letters, digits and '_', not starting with a"
                                + " digit), but was 'MY-TOKEN'"),
                bad("control_token_env starting with a digit", top("'control_token_env': '1TOKEN'"),
                        "control_token_env", "but was '1TOKEN'"),
                bad("control_token_env null", top("'control_token_env': null"), "control_token_env",
                        "must be a string, but was null"),
                bad("control_token misspelt", top("'control_token_fil': 'x'"), "control_token_fil",
                        "did you mean 'control_token_file'?"),
                bad("strategy setting is a nested array", "{" + VALID_TOP + ", 'strategies': {'slow_follower': "
                        + "{'permanent_learners': [['node-4']]}}}", "strategies.slow_follower.permanent_learners[0]",
                        "but was an array"),
                bad("strategy setting list holds an object", "{" + VALID_TOP + ", 'strategies': {'slow_follower': "
                        + "{'permanent_learners': ['node-4', {'id': 'node-5'}]}}}",
                        "strategies.slow_follower.permanent_learners[1]", "but was an object"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badConfigs")
    void rejectsBadConfigNamingKeyPathAndProblem(String name, String json, String keyPath, String fragment)
            throws IOException {
        // Given
        Path file = dir.resolve("cluster.json");
        if (json != null) {
            Files.writeString(file, json);
        }

        // When
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file));

        // Then
        assertThat(e).as(name).isNotNull();
        assertThat(e.keyPath()).isEqualTo(keyPath);
        assertThat(e.getMessage()).contains(fragment).doesNotContain("\n").doesNotContain("Exception");
        if (!keyPath.isEmpty()) {
            assertThat(e.getMessage()).startsWith(file + ": " + keyPath + ": ");
        }
    }

    @Test
    void messageHasFileKeyPathAndProblemOnOneLine() throws IOException {
        // Given
        Path file = Files.writeString(dir.resolve("cluster.json"),
                json(nodes(NODE + ", {'id': 'n2', 'host': 'h', 'port': 70000, 'data_dir': 'd'}")));

        // When
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file));

        // Then
        assertThat(e.getMessage()).isEqualTo(file + ": nodes[1].port: must be an integer in 1..65535, but was 70000");
    }

    @Test
    void notJsonMessageGivesLocationsWithoutJacksonsSourceDescription() throws IOException {
        // Given
        Path file = Files.writeString(dir.resolve("cluster.json"), "{\n  \"nodes\": [}");

        // When
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file));

        // Then
        assertThat(e.getMessage()).startsWith(file + ": not valid JSON at line 2, column 13: ")
                .contains("starting at line 2, column 12")
                .doesNotContain("Source");
    }

    @Test
    void missingFileMessageNamesTheFile() {
        // Given
        Path file = dir.resolve("absent.json");

        // When
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file));

        // Then
        assertThat(e.getMessage()).isEqualTo("config file '" + file + "' does not exist");
    }

    @Test
    void badConfigDoesNotCreateRecoveryDir() throws IOException {
        // Given a file whose only mistake comes after recovery_dir is read
        Path file = Files.writeString(dir.resolve("cluster.json"),
                json("{" + VALID_TOP + ", 'recovery_options': {'verify_timeout': 0}}"));

        // When
        catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file));

        // Then
        assertThat(dir.resolve("rec")).doesNotExist();
    }

    private static Arguments bad(String name, String json, String keyPath, String fragment) {
        return Arguments.of(name, json == null ? null : json(json), keyPath, fragment);
    }

    private static String nodes(String nodes) {
        return "{'nodes': [" + nodes + "], 'recovery_dir': 'rec'}";
    }

    private static String top(String keys) {
        return "{" + VALID_TOP + ", " + keys + "}";
    }

    private static String options(String options) {
        return "{" + VALID_TOP + ", 'recovery_options': {" + options + "}}";
    }

    /** Single quotes make JSON in Java strings readable; no test value contains one. */
    static String json(String singleQuoted) {
        return singleQuoted.replace('\'', '"');
    }
}
