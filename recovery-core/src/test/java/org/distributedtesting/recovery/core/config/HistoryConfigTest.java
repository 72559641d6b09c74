package org.distributedtesting.recovery.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code history_database}: off unless set, a file relative to the config file, never a directory. */
class HistoryConfigTest {

    @TempDir
    Path dir;

    private static String config(String more) {
        return BadConfigTest.json("{'nodes': [{'id': 'n', 'host': 'h', 'port': 1, 'data_dir': 'd'}],"
                + " 'recovery_dir': 'r'" + more + "}");
    }

    @Test
    void withoutTheKeyThereIsNoHistory() {
        assertThat(ConfigLoader.parse(config(""), dir).historyDatabase()).isEmpty();
    }

    @Test
    void aRelativePathIsTakenRelativeToTheConfigFile() throws Exception {
        Path file = Files.writeString(dir.resolve("cluster.json"),
                config(", 'history_database': 'history/recovery.duckdb'"));

        assertThat(ConfigLoader.load(file).historyDatabase())
                .contains(dir.toAbsolutePath().normalize().resolve("history").resolve("recovery.duckdb"));
        assertThat(dir.resolve("history")).doesNotExist();
    }

    @Test
    void aDirectoryIsAConfigErrorNamingTheKey() throws Exception {
        Files.createDirectories(dir.resolve("history"));

        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.parse(config(", 'history_database': 'history'"), dir));

        assertThat(e.keyPath()).isEqualTo("history_database");
        assertThat(e.getMessage()).contains("is a directory", "recovery.duckdb");
    }

    @Test
    void aPathUnderAFileIsAConfigError() throws Exception {
        Files.writeString(dir.resolve("plain"), "x");

        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.parse(config(", 'history_database': 'plain/recovery.duckdb'"), dir));

        assertThat(e.keyPath()).isEqualTo("history_database");
        assertThat(e.getMessage()).contains("is not a directory");
    }

    @Test
    void anEmptyValueIsAConfigError() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.parse(config(", 'history_database': ' '"), dir));

        assertThat(e.keyPath()).isEqualTo("history_database");
    }
}
