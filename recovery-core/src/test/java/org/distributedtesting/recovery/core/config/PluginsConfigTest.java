package org.distributedtesting.recovery.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code plugins}: off unless set, a directory relative to the config file that must exist. */
class PluginsConfigTest {

    @TempDir
    Path dir;

    private static String config(String more) {
        return BadConfigTest.json("{'nodes': [{'id': 'n', 'host': 'h', 'port': 1, 'data_dir': 'd'}],"
                + " 'recovery_dir': 'r'" + more + "}");
    }

    @Test
    void withoutTheKeyThereAreNoPlugins() {
        assertThat(ConfigLoader.parse(config(""), dir).plugins()).isEmpty();
    }

    @Test
    void aRelativePathIsTakenRelativeToTheConfigFile() throws Exception {
        // Given
        Files.createDirectories(dir.resolve("plugins"));
        Path file = Files.writeString(dir.resolve("cluster.json"), config(", 'plugins': 'plugins'"));

        // When / Then
        assertThat(ConfigLoader.load(file).plugins()).contains(dir.toAbsolutePath().normalize().resolve("plugins"));
    }

    @Test
    void aMissingDirectoryIsAConfigErrorNamingTheKey() {
        // When
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.parse(config(", 'plugins': 'nowhere'"), dir));

        // Then
        assertThat(e.keyPath()).isEqualTo("plugins");
        assertThat(e.getMessage()).contains("nowhere", "does not exist");
    }

    @Test
    void aFileIsAConfigError() throws Exception {
        // Given
        Files.writeString(dir.resolve("plugin.jar"), "x");

        // When
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.parse(config(", 'plugins': 'plugin.jar'"), dir));

        // Then
        assertThat(e.keyPath()).isEqualTo("plugins");
        assertThat(e.getMessage()).contains("is not a directory");
    }
}
