package org.distributedtesting.recovery.core.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads the top-level keys that say where the control token of the node protocol comes from:
 * {@code control_token_file} (a path, relative to the config file's directory) and {@code control_token_env}
 * (the name of an environment variable). No message here quotes the token.
 *
 * <p>Stateless and thread-safe.
 */
final class ControlTokenSection {

    static final String FILE_KEY = "control_token_file";
    static final String ENV_KEY = "control_token_env";

    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /** Any character that cannot be part of an HTTP header value. */
    private static final Pattern CONTROL_CHARACTER = Pattern.compile("[\\x00-\\x1F\\x7F]");

    private ControlTokenSection() {
    }

    /** The token file, resolved and checked to hold a token, if the configuration names one. */
    static Optional<Path> file(ConfigReader reader, ObjectNode top, Path baseDir) {
        return ConfigReader.optional(top, FILE_KEY).map(value -> {
            Path file = PathResolver.resolve(reader, baseDir, reader.nonBlankString(value, FILE_KEY), FILE_KEY);
            read(reader, file);
            return file;
        });
    }

    /** The environment variable's name, {@link RecoveryConfig#DEFAULT_CONTROL_TOKEN_ENV} when not given. */
    static String env(ConfigReader reader, ObjectNode top) {
        return ConfigReader.optional(top, ENV_KEY).map(value -> {
            String name = reader.nonBlankString(value, ENV_KEY);
            requireEnvName(reader, name);
            return name;
        }).orElse(RecoveryConfig.DEFAULT_CONTROL_TOKEN_ENV);
    }

    static void requireEnvName(ConfigReader reader, String name) {
        if (!ENV_NAME.matcher(name).matches()) {
            throw reader.fail(ENV_KEY, "must be the name of an environment variable (letters, digits and '_',"
                    + " not starting with a digit), but was '" + name + "'");
        }
    }

    /**
     * The token in {@code file}: its content without surrounding whitespace.
     *
     * @throws ConfigException if the file is missing, unreadable, empty, or holds more than one line
     */
    static String read(ConfigReader reader, Path file) {
        if (!Files.exists(file)) {
            throw reader.fail(FILE_KEY, "'" + file + "' does not exist");
        }
        if (!Files.isRegularFile(file)) {
            throw reader.fail(FILE_KEY, "'" + file + "' is not a regular file");
        }
        String content;
        try {
            // a strict decoder: a binary file is a mistake, not a token with replacement characters
            content = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(file)))
                    .toString();
        } catch (CharacterCodingException e) {
            throw reader.fail(FILE_KEY, "'" + file + "' is not UTF-8 text");
        } catch (IOException e) {
            throw reader.fail(FILE_KEY, "cannot read '" + file + "': " + PathResolver.reason(e));
        }
        String token = content.strip();
        if (token.isEmpty()) {
            throw reader.fail(FILE_KEY, "'" + file + "' is empty; it must hold the token");
        }
        if (CONTROL_CHARACTER.matcher(token).find()) {
            throw reader.fail(FILE_KEY, "'" + file + "' must hold the token on one line, without control"
                    + " characters");
        }
        return token;
    }
}
