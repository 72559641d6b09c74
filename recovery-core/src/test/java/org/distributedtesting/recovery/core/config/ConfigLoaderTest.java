package org.distributedtesting.recovery.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    @Test
    void readsEveryKeyOfAFullFile() throws IOException {
        // Given
        Path recovery = dir.resolve("recovery");
        Path file = Files.writeString(dir.resolve("cluster.json"), BadConfigTest.json("""
                {
                  'nodes': [
                    {'id': 'node-1', 'host': 'coordinator1.example.com', 'port': 8080, 'data_dir': '/srv/node1',
                     'alternative_addresses': ['10.0.0.2:8080', '[::1]:8080'],
                     'command': ['java', '-jar', 'node.jar', '--port', '{port}'],
                     'maintenance_command': ['repair', '--data-dir', '{data_dir}', '--filter={a:1}',
                                             '--epoch={epoch}']},
                    {'id': 'node_2.b', 'host': 'coordinator2.example.com', 'port': 8080, 'data_dir': '/srv/node2'}
                  ],
                  'recovery_dir': '%s',
                  'recovery_options': {'auto_restart': false, 'backup_before_recovery': false,
                    'max_restart_attempts': 7, 'restart_cooldown': 90, 'confirmations': 4, 'probe_timeout': 0.25,
                    'history_size': 20, 'node_cooldown': 0, 'backoff_initial': 5, 'backoff_max': 40,
                    'verify_timeout': 30.5, 'verify_interval': 2, 'action_budget': 9,
                    'action_budget_window': 1800, 'quarantine_retry_after': 0, 'maintenance_timeout': 7.5,
                    'dry_run': true},
                  'failure_types': ['Process-Crash', 'split_brain'],
                  'strategies': {'process_crash': {'any_key': 1.5, 'other': true, 'count': 3, 'mode': 'fast'},
                                 'slow_follower': {'permanent_learners': ['node-4', 'node-5']}}
                }
                """.formatted(recovery)));

        // When
        RecoveryConfig config = ConfigLoader.load(file);

        // Then
        assertThat(config.source()).isEqualTo(file.toAbsolutePath());
        assertThat(config.nodes()).containsExactly(
                new NodeSpec(NodeId.of("node-1"), "coordinator1.example.com", 8080, Path.of("/srv/node1"),
                        List.of("10.0.0.2:8080", "[::1]:8080"),
                        List.of("java", "-jar", "node.jar", "--port", "{port}"),
                        List.of("repair", "--data-dir", "{data_dir}", "--filter={a:1}", "--epoch={epoch}")),
                NodeSpec.of("node_2.b", "coordinator2.example.com", 8080, Path.of("/srv/node2")));
        assertThat(config.recoveryDir()).isEqualTo(recovery).isDirectory();
        assertThat(config.options()).isEqualTo(new RecoveryOptions(false, false, 7, Duration.ofSeconds(90), 4,
                Duration.ofMillis(250), 20, Duration.ZERO, Duration.ofSeconds(5), Duration.ofSeconds(40),
                Duration.ofMillis(30_500), Duration.ofSeconds(2), 9, Duration.ofMinutes(30),
                Duration.ZERO, Duration.ofMillis(7_500), true));
        assertThat(config.failureTypes()).containsExactly(FailureType.SPLIT_BRAIN, FailureType.PROCESS_CRASH);
        assertThat(config.strategySettings()).isEqualTo(Map.of("process_crash",
                new Settings(Map.of("any_key", 1.5, "other", true, "count", 3L, "mode", "fast")),
                "slow_follower", new Settings(Map.of("permanent_learners", List.of("node-4", "node-5")))));
    }

    @Test
    void loadsTheSeedExampleWithDefaults() throws IOException {
        // Given the seed's example, with a recovery_dir this test may create
        Path recovery = dir.resolve("srv-recovery");
        Path file = Files.writeString(dir.resolve("cluster_config.json"), BadConfigTest.json("""
                {
                  'nodes': [ {'id': 'node-1', 'host': 'coordinator1.example.com', 'port': 8080,
                              'data_dir': '/srv/node1'} ],
                  'recovery_dir': '%s',
                  'recovery_options': {'auto_restart': true, 'backup_before_recovery': true,
                                       'max_restart_attempts': 5, 'restart_cooldown': 60}
                }
                """.formatted(recovery)));

        // When
        RecoveryConfig config = ConfigLoader.load(file);

        // Then
        assertThat(config.nodes()).containsExactly(
                NodeSpec.of("node-1", "coordinator1.example.com", 8080, Path.of("/srv/node1")));
        assertThat(config.options()).isEqualTo(RecoveryOptions.defaults());
        assertThat(config.failureTypes()).isEmpty();
        assertThat(config.strategySettings()).isEmpty();
    }

    @Test
    void omittedRecoveryOptionsMeanDefaults() {
        // Given
        String json = BadConfigTest.json("{'nodes': [{'id': 'n', 'host': 'h', 'port': 1, 'data_dir': 'd'}], "
                + "'recovery_dir': 'rec'}");

        // When
        RecoveryConfig config = ConfigLoader.parse(json, dir);

        // Then
        assertThat(config.options()).isEqualTo(RecoveryOptions.defaults());
        assertThat(config.nodes().get(0).alternativeAddresses()).isEmpty();
        assertThat(config.nodes().get(0).startCommand()).isEmpty();
    }

    @Test
    void resolvesRelativePathsAgainstTheConfigFilesDirectory() throws IOException {
        // Given
        Path confDir = Files.createDirectories(dir.resolve("conf"));
        Path file = Files.writeString(confDir.resolve("cluster.json"), BadConfigTest.json(
                "{'nodes': [{'id': 'n', 'host': 'h', 'port': 1, 'data_dir': '../data/./n'}], "
                        + "'recovery_dir': 'rec'}"));

        // When
        RecoveryConfig config = ConfigLoader.load(file);

        // Then
        assertThat(config.nodes().get(0).dataDir()).isEqualTo(dir.resolve("data/n"));
        assertThat(config.recoveryDir()).isEqualTo(confDir.resolve("rec")).isDirectory();
    }

    @Test
    void parseResolvesAgainstTheBaseDirAndNamesItTheSource() {
        // Given
        String json = BadConfigTest.json(
                "{'nodes': [{'id': 'n', 'host': 'h', 'port': 1, 'data_dir': 'd'}], 'recovery_dir': 'rec'}");

        // When
        RecoveryConfig config = ConfigLoader.parse(json, dir);

        // Then
        assertThat(config.source()).isEqualTo(dir.toAbsolutePath());
        assertThat(config.nodes().get(0).dataDir()).isEqualTo(dir.resolve("d"));
        assertThat(config.recoveryDir()).isEqualTo(dir.resolve("rec")).isDirectory();
    }

    @Test
    void parseErrorsNameTheInlineSource() {
        // When
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse("[]", dir));

        // Then
        assertThat(e.getMessage()).isEqualTo("config: the top level must be a JSON object, but was an array");
        assertThat(e.keyPath()).isEmpty();
    }

    @Test
    void exampleIsAValidConfigUsingEveryKey() {
        // When
        RecoveryConfig config = ConfigLoader.parse(ConfigLoader.example(), dir);

        // Then
        assertThat(config.nodes()).extracting(NodeSpec::id)
                .containsExactly(NodeId.of("node-1"), NodeId.of("node-2"), NodeId.of("node-3"));
        assertThat(config.nodes().get(0).supervised()).isTrue();
        assertThat(config.failureTypes()).contains(FailureType.PROCESS_CRASH);
        assertThat(config.settingsFor("process_crash").getLong("catch_up_lag_entries", 0)).isEqualTo(250);
        assertThat(ConfigLoader.example()).contains(RecoveryOptionsSection.keys());
    }

    @Test
    void rejectsAReadOnlyRecoveryDir() throws IOException {
        // Given a directory this process cannot write to (root can, so the case is skipped there)
        Path readOnly = Files.createDirectory(dir.resolve("read-only"));
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            assumeFalse(canCreateFileIn(readOnly), "permissions are not enforced for this user (root?)");
            String json = BadConfigTest.json("{'nodes': [{'id': 'n', 'host': 'h', 'port': 1, 'data_dir': 'd'}], "
                    + "'recovery_dir': 'read-only'}");

            // When
            ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(json, dir));

            // Then
            assertThat(e.keyPath()).isEqualTo("recovery_dir");
            assertThat(e.getMessage()).contains("is not writable: permission denied");
        } finally {
            Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    private static boolean canCreateFileIn(Path directory) throws IOException {
        try {
            Files.delete(Files.createTempFile(directory, "probe", ".tmp"));
            return true;
        } catch (AccessDeniedException expected) {
            return false;
        }
    }
}
