package org.distributedtesting.recovery.core.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads the top-level keys that say where the control token of the node protocol comes from:
 * {@code control_token_file} (a path, relative to the config file's directory) and {@code control_token_env}
 * (the name of an environment variable), and checks the token itself wherever it comes from: printable ASCII
 * ({@code !} to {@code ~}) without whitespace inside, at most {@link #MAX_TOKEN_BYTES}, as a bearer token in an
 * HTTP header must be (RFC 6750's {@code b64token} is narrower still). No message here quotes the token.
 *
 * <p>Stateless and thread-safe.
 */
final class ControlTokenSection {

    static final String FILE_KEY = "control_token_file";
    static final String ENV_KEY = "control_token_env";

    /**
     * The largest token, and token file, read: 4 KiB, half of the 8 KiB that common HTTP servers allow for all
     * request headers together, and far above any generated secret (a 256-bit one is 43 characters in base64).
     */
    static final int MAX_TOKEN_BYTES = 4096;

    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private static final String TOKEN_RULE = "printable ASCII without whitespace";

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
                    + " not starting with a digit), but was " + ConfigReader.quote(name));
        }
    }

    /**
     * The token in {@code file}: its content without surrounding whitespace.
     *
     * @throws ConfigException if the file is missing, not a regular file, larger than {@link #MAX_TOKEN_BYTES},
     *                         unreadable, not UTF-8, empty, or not one token of printable ASCII
     */
    static String read(ConfigReader reader, Path file) {
        String named = ConfigReader.quote(file);
        byte[] bytes;
        try {
            Optional<String> kind = RegularFiles.notRegular(file);
            if (kind.isPresent()) {
                throw reader.fail(FILE_KEY, named + " is " + kind.get() + ", not a regular file");
            }
            bytes = RegularFiles.readUpTo(file, MAX_TOKEN_BYTES);
        } catch (NoSuchFileException e) {
            throw reader.fail(FILE_KEY, named + " does not exist");
        } catch (IOException e) {
            throw reader.fail(FILE_KEY, "cannot read " + named + ": " + PathResolver.reason(e));
        }
        if (bytes.length > MAX_TOKEN_BYTES) {
            throw reader.fail(FILE_KEY, named + " is larger than " + MAX_TOKEN_BYTES + " bytes, the most a token"
                    + " may have");
        }
        String content;
        try {
            // a strict decoder: a binary file is a mistake, not a token with replacement characters
            content = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw reader.fail(FILE_KEY, named + " is not UTF-8 text");
        }
        String token = content.strip();
        if (token.isEmpty()) {
            throw reader.fail(FILE_KEY, named + " is empty; it must hold the token");
        }
        tokenProblem(token).ifPresent(problem -> {
            throw reader.fail(FILE_KEY, named + " must hold the token as " + TOKEN_RULE + ", but it has " + problem);
        });
        return token;
    }

    /**
     * The token in the environment variable {@code name}: its value without surrounding whitespace, empty when the
     * variable is unset or blank.
     *
     * @throws ConfigException if the value is longer than {@link #MAX_TOKEN_BYTES} or not one token of printable
     *                         ASCII
     */
    static Optional<String> fromEnvironment(ConfigReader reader, String name, Map<String, String> env) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        String token = value.strip();
        String variable = "the environment variable " + name;
        if (token.length() > MAX_TOKEN_BYTES) {
            throw reader.fail(ENV_KEY, variable + " holds " + token.length() + " characters, more than the "
                    + MAX_TOKEN_BYTES + " a token may have");
        }
        tokenProblem(token).ifPresent(problem -> {
            throw reader.fail(ENV_KEY, variable + " must hold the token as " + TOKEN_RULE + ", but it has "
                    + problem);
        });
        return Optional.of(token);
    }

    /**
     * The first character of {@code token} that cannot be part of it, described without quoting the token
     * ("a line break at character 6"); empty when every character is printable ASCII other than a space.
     */
    static Optional<String> tokenProblem(String token) {
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c > ' ' && c < 0x7F) {
                continue;
            }
            String what;
            if (c == '\n' || c == '\r') {
                what = "a line break";
            } else if (c == ' ' || c == '\t') {
                what = c == ' ' ? "a space" : "a tab";
            } else if (c < ' ' || c == 0x7F) {
                what = String.format("a control character (U+%04X)", (int) c);
            } else {
                what = "a character that is not ASCII";
            }
            return Optional.of(what + " at character " + (i + 1));
        }
        return Optional.empty();
    }
}
