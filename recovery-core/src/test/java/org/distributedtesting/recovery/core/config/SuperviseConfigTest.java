package org.distributedtesting.recovery.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.SupervisionCommands;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code nodes[].supervise}: the start, stop and status commands of a node this daemon cannot run itself. */
class SuperviseConfigTest {

    private static final String START = "'start': ['ssh', '{host}', 'sudo', 'systemctl', 'start', 'coordinator@{id}']";
    private static final String STOP = "'stop': ['ssh', '{host}', 'sudo', 'systemctl', 'stop', 'coordinator@{id}']";
    private static final String STATUS = "'status': ['ssh', '{host}', 'systemctl', 'is-active', 'coordinator@{id}']";

    @TempDir
    Path dir;

    @Test
    void readsTheCommandsAndTheTimeout() {
        // Given
        String json = config("'supervise': {" + START + ", 'stop': ['ctl', 'stop', '{id}', '--grace',"
                + " '{grace_seconds}', '--epoch={epoch}'], " + STATUS + ", 'timeout': 12.5}");

        // When
        NodeSpec node = ConfigLoader.parse(json, dir).nodes().get(0);

        // Then
        assertThat(node.supervised()).isTrue();
        assertThat(node.startCommand()).isEmpty();
        assertThat(node.supervision()).contains(new SupervisionCommands(
                List.of("ssh", "{host}", "sudo", "systemctl", "start", "coordinator@{id}"),
                List.of("ctl", "stop", "{id}", "--grace", "{grace_seconds}", "--epoch={epoch}"),
                List.of("ssh", "{host}", "systemctl", "is-active", "coordinator@{id}"),
                Duration.ofMillis(12_500)));
    }

    @Test
    void theTimeoutDefaultsToThirtySeconds() {
        // Given
        String json = config("'supervise': {" + START + ", " + STOP + ", " + STATUS + "}");

        // When
        NodeSpec node = ConfigLoader.parse(json, dir).nodes().get(0);

        // Then
        assertThat(node.supervision().orElseThrow().timeout()).isEqualTo(SupervisionCommands.DEFAULT_TIMEOUT)
                .isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void aNodeWithoutSuperviseHasNone() {
        // When
        NodeSpec node = ConfigLoader.parse(config("'command': ['coordinator']"), dir).nodes().get(0);

        // Then
        assertThat(node.supervision()).isEmpty();
        assertThat(node.supervised()).isTrue();
    }

    static Stream<Arguments> badSupervise() {
        return Stream.of(
                bad("'supervise': ['systemctl']", "nodes[0].supervise", "must be an object, but was an array"),
                bad("'supervise': {" + STOP + ", " + STATUS + "}", "nodes[0].supervise.start", "is required"),
                bad("'supervise': {" + START + ", " + STATUS + "}", "nodes[0].supervise.stop", "is required"),
                bad("'supervise': {" + START + ", " + STOP + "}", "nodes[0].supervise.status", "is required"),
                bad("'supervise': {" + START + ", " + STOP + ", 'status': 'systemctl is-active x'}",
                        "nodes[0].supervise.status", "must be an array, but was \"systemctl is-active x\" (a string)"),
                bad("'supervise': {" + START + ", " + STOP + ", 'status': []}", "nodes[0].supervise.status",
                        "must name a program to run, but was an empty array"),
                bad("'supervise': {" + START + ", " + STOP + ", 'status': ['', 'x']}",
                        "nodes[0].supervise.status[0]", "the program to run must not be blank"),
                bad("'supervise': {" + START + ", " + STOP + ", 'status': ['systemctl', 3]}",
                        "nodes[0].supervise.status[1]", "must be a string, but was 3"),
                bad("'supervise': {" + START + ", " + STOP + ", 'status': ['check', '{data-dir}']}",
                        "nodes[0].supervise.status[1]", "unknown placeholder '{data-dir}'; the placeholders are {id},"
                                + " {host}, {port}, {data_dir} and {epoch}"),
                bad("'supervise': {'start': ['ctl', '{grace_seconds}'], " + STOP + ", " + STATUS + "}",
                        "nodes[0].supervise.start[1]", "unknown placeholder '{grace_seconds}'; the placeholders are"
                                + " {id}, {host}, {port}, {data_dir} and {epoch}"),
                bad("'supervise': {" + START + ", 'stop': ['ctl', '{grace}'], " + STATUS + "}",
                        "nodes[0].supervise.stop[1]", "unknown placeholder '{grace}'; the placeholders are {id},"
                                + " {host}, {port}, {data_dir}, {epoch} and {grace_seconds}"),
                bad("'supervise': {" + START + ", " + STOP + ", " + STATUS + ", 'timeout': 0}",
                        "nodes[0].supervise.timeout", "must be a number of seconds > 0, but was 0"),
                bad("'supervise': {" + START + ", " + STOP + ", " + STATUS + ", 'timeout': '30s'}",
                        "nodes[0].supervise.timeout", "must be a number of seconds >= 0, but was \"30s\" (a string)"),
                bad("'supervise': {" + START + ", " + STOP + ", " + STATUS + ", 'statuss': ['x']}",
                        "nodes[0].supervise.statuss", "unknown key 'statuss'; did you mean 'status'?"),
                bad("'supervize': {" + START + ", " + STOP + ", " + STATUS + "}", "nodes[0].supervize",
                        "unknown key 'supervize'; did you mean 'supervise'?"),
                bad("'command': ['coordinator'], 'supervise': {" + START + ", " + STOP + ", " + STATUS + "}",
                        "nodes[0]", "has both \"command\" and \"supervise\"; a node's process is started either by"
                                + " this daemon as a local child process (command) or by its supervise commands,"
                                + " not both"),
                bad("'pid_file': 'node.pid', 'supervise': {" + START + ", " + STOP + ", " + STATUS + "}",
                        "nodes[0]", "has both \"pid_file\" and \"supervise\""));
    }

    @ParameterizedTest(name = "{1}: {2}")
    @MethodSource("badSupervise")
    void rejectsABadSuperviseNamingTheKeyAndTheProblem(String json, String keyPath, String problem) {
        // When
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(json, dir));

        // Then
        assertThat(e).as(json).isNotNull();
        assertThat(e.keyPath()).isEqualTo(keyPath);
        assertThat(e.getMessage()).startsWith("config: " + keyPath + ": " + problem);
    }

    private static Arguments bad(String nodeKeys, String keyPath, String problem) {
        return Arguments.of(config(nodeKeys), keyPath, problem);
    }

    /** A config of one node with {@code nodeKeys} added; single quotes for readability. */
    private static String config(String nodeKeys) {
        return ("{'nodes': [{'id': 'n1', 'host': 'db-1.example.com', 'port': 8081, 'data_dir': '/srv/n1', "
                + nodeKeys + "}], 'recovery_dir': 'rec'}").replace('\'', '"');
    }
}
