package org.distributedtesting.recovery.core.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads {@code history_database}: the DuckDB file the journal's records are also indexed in, for {@code report}.
 * A relative path is taken relative to the config file's directory. Off unless set. The file and its directory are
 * created when the daemon first opens it; a path that is a directory, or under a file, is an error now.
 *
 * <p>Stateless and thread-safe.
 */
final class HistorySection {

    static final String KEY = "history_database";

    private HistorySection() {
    }

    /** The database file, if the configuration names one. */
    static Optional<Path> read(ConfigReader reader, ObjectNode top, Path baseDir) {
        return ConfigReader.optional(top, KEY).map(value -> {
            Path file = PathResolver.resolve(reader, baseDir, reader.nonBlankString(value, KEY), KEY);
            if (Files.isDirectory(file)) {
                throw reader.fail(KEY, ConfigReader.quote(file) + " is a directory; name the database file in it,"
                        + " such as " + ConfigReader.quote(file.resolve("recovery.duckdb")));
            }
            for (Path dir = file.getParent(); dir != null; dir = dir.getParent()) {
                if (Files.exists(dir) && !Files.isDirectory(dir)) {
                    throw reader.fail(KEY, ConfigReader.quote(dir) + " is not a directory, so "
                            + ConfigReader.quote(file) + " cannot be created");
                }
            }
            return file;
        });
    }
}
