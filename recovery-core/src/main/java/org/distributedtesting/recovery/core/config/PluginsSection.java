package org.distributedtesting.recovery.core.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads {@code plugins}: the directory whose jars the daemon loads strategy providers from, as {@code --plugins DIR}
 * does (which overrides it). A relative path is taken relative to the config file's directory, like the other paths
 * of the file. Off unless set; a path that is not an existing directory is an error now.
 *
 * <p>Stateless and thread-safe.
 */
final class PluginsSection {

    static final String KEY = "plugins";

    private PluginsSection() {
    }

    /** The plugin directory, if the configuration names one. */
    static Optional<Path> read(ConfigReader reader, ObjectNode top, Path baseDir) {
        return ConfigReader.optional(top, KEY).map(value -> {
            Path dir = PathResolver.resolve(reader, baseDir, reader.nonBlankString(value, KEY), KEY);
            if (!Files.isDirectory(dir)) {
                throw reader.fail(KEY, ConfigReader.quote(dir) + (Files.exists(dir) ? " is not a directory"
                        : " does not exist") + "; name a directory holding the strategy jars to load");
            }
            return dir;
        });
    }
}
