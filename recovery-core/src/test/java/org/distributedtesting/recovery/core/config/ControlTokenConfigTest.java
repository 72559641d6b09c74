package org.distributedtesting.recovery.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.RecoveryOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the node protocol's control token comes from: {@code control_token_file} or {@code control_token_env}. */
class ControlTokenConfigTest {

    private static final String TOKEN = "file-token-5e1f";
    private static final String TOP = "{'nodes': [{'id': 'n1', 'host': 'h', 'port': 1, 'data_dir': 'd'}],"
            + " 'recovery_dir': 'rec'";

    @TempDir
    Path dir;

    @Test
    void withoutEitherKeyTheTokenComesFromRecoveryControlToken() throws IOException {
        // Given a config that says nothing about the token
        RecoveryConfig config = load(TOP + "}");

        // Then it is read from the default variable, trimmed; unset or blank means none
        assertThat(config.controlTokenFile()).isEmpty();
        assertThat(config.controlTokenEnv()).isEqualTo("RECOVERY_CONTROL_TOKEN");
        assertThat(config.controlToken(Map.of("RECOVERY_CONTROL_TOKEN", " env-token\n"))).contains("env-token");
        assertThat(config.controlToken(Map.of())).isEmpty();
        assertThat(config.controlToken(Map.of("RECOVERY_CONTROL_TOKEN", "  "))).isEmpty();
    }

    @Test
    void controlTokenEnvNamesAnotherVariable() throws IOException {
        RecoveryConfig config = load(TOP + ", 'control_token_env': 'COORD_TOKEN'}");

        assertThat(config.controlToken(Map.of("COORD_TOKEN", "other", "RECOVERY_CONTROL_TOKEN", "default")))
                .contains("other");
    }

    @Test
    void controlTokenFileIsRelativeToTheConfigAndWinsOverTheVariable() throws IOException {
        // Given a token file next to the config, ending in a line break as editors write it
        Files.createDirectories(dir.resolve("secrets"));
        Files.writeString(dir.resolve("secrets/token"), TOKEN + "\n");

        // When the config names it
        RecoveryConfig config = load(TOP + ", 'control_token_file': 'secrets/token'}");

        // Then its trimmed content is the token, whatever the variable says
        assertThat(config.controlTokenFile()).contains(dir.resolve("secrets/token"));
        assertThat(config.controlToken(Map.of("RECOVERY_CONTROL_TOKEN", "env-token"))).contains(TOKEN);
    }

    @Test
    void aRotatedTokenFileIsReadAgain() throws IOException {
        Path file = Files.writeString(dir.resolve("token"), TOKEN);
        RecoveryConfig config = load(TOP + ", 'control_token_file': 'token'}");

        Files.writeString(file, "rotated-token");

        assertThat(config.controlToken(Map.of())).contains("rotated-token");
    }

    @Test
    void aTokenFileEmptiedAfterLoadingFailsWithoutQuotingAnything() throws IOException {
        // Given a loaded config whose token file is later emptied
        Path file = Files.writeString(dir.resolve("token"), TOKEN);
        RecoveryConfig config = load(TOP + ", 'control_token_file': 'token'}");
        Files.writeString(file, "");

        // When the token is read, Then the message names the file and the key
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> config.controlToken(Map.of()));
        assertThat(e.keyPath()).isEqualTo("control_token_file");
        assertThat(e.getMessage()).isEqualTo(dir.resolve("cluster.json") + ": control_token_file: '" + file
                + "' is empty; it must hold the token");
    }

    @Test
    void theConfigsTextAndErrorsNeverShowTheToken() throws IOException {
        // Given a token file whose content is not one line
        Path file = Files.writeString(dir.resolve("token"), TOKEN + "\nsecond-line");

        // When the config is loaded, Then the error does not quote the file
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> load(TOP + ", 'control_token_file': 'token'}"));
        assertThat(e.getMessage()).doesNotContain(TOKEN).doesNotContain("second-line");

        // And a valid config's string form names the file, not the token
        Files.writeString(file, TOKEN);
        assertThat(load(TOP + ", 'control_token_file': 'token'}").toString()).contains(file.toString())
                .doesNotContain(TOKEN);
    }

    @Test
    void theShortConstructorReadsTheDefaultVariable() {
        RecoveryConfig config = new RecoveryConfig(Path.of("/c.json"), List.of(NodeSpec.of("n1", "h", 1,
                Path.of("/d"))), Path.of("/r"), RecoveryOptions.defaults(), Set.of(), Map.of());

        assertThat(config.controlTokenFile()).isEqualTo(Optional.empty());
        assertThat(config.controlTokenEnv()).isEqualTo(RecoveryConfig.DEFAULT_CONTROL_TOKEN_ENV);
    }

    @Test
    void theRecordRejectsAnUnusableVariableName() {
        assertThatThrownBy(() -> new RecoveryConfig(Path.of("/c.json"), List.of(NodeSpec.of("n1", "h", 1,
                Path.of("/d"))), Path.of("/r"), RecoveryOptions.defaults(), Set.of(), Map.of(), Optional.empty(),
                "A B"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("control_token_env: must be the name of an environment variable");
    }

    private RecoveryConfig load(String singleQuoted) throws IOException {
        return ConfigLoader.load(Files.writeString(dir.resolve("cluster.json"), BadConfigTest.json(singleQuoted)));
    }
}
