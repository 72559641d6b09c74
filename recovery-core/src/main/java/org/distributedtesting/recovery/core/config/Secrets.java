package org.distributedtesting.recovery.core.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.distributedtesting.recovery.core.config.AlertsConfig.SecretSource;

/**
 * Reads a secret from where the config says it is. Messages name the key and the file or the variable, never the
 * secret.
 *
 * <p>Stateless and thread-safe.
 */
public final class Secrets {

    /** The largest secret read: 8 KiB (a webhook URL with its token is a few hundred bytes). */
    public static final int MAX_SECRET_BYTES = 8192;

    private Secrets() {
    }

    /**
     * The secret, without surrounding whitespace.
     *
     * @param source where it is
     * @param env    the environment, usually {@link System#getenv()}
     * @param config the config file, for messages
     * @throws ConfigException if the file or the variable is missing, empty, too large, not text, or holds a
     *                         control character
     */
    public static String read(SecretSource source, Map<String, String> env, Path config) {
        ConfigReader reader = new ConfigReader(config.toString());
        String value;
        String where;
        if (source.file().isPresent()) {
            Path file = source.file().get();
            where = ConfigReader.quote(file);
            value = file(reader, source.key(), file);
        } else {
            String name = source.env().orElseThrow();
            where = "environment variable " + name;
            value = env.get(name);
            if (value == null) {
                throw reader.fail(source.key(), where + " is not set");
            }
        }
        String secret = value.strip();
        if (secret.isEmpty()) {
            throw reader.fail(source.key(), where + " is empty");
        }
        if (secret.length() > MAX_SECRET_BYTES) {
            throw reader.fail(source.key(), where + " is longer than " + MAX_SECRET_BYTES + " characters");
        }
        Optional<Integer> control = secret.chars().filter(c -> c < 0x20 || c == 0x7f).boxed().findFirst();
        if (control.isPresent()) {
            throw reader.fail(source.key(), where + " holds a control character (a line break inside?) at character "
                    + (secret.indexOf(control.get()) + 1));
        }
        return secret;
    }

    private static String file(ConfigReader reader, String key, Path file) {
        String named = ConfigReader.quote(file);
        byte[] bytes;
        try {
            Optional<String> kind = RegularFiles.notRegular(file);
            if (kind.isPresent()) {
                throw reader.fail(key, named + " is " + kind.get() + ", not a regular file");
            }
            bytes = RegularFiles.readUpTo(file, MAX_SECRET_BYTES + 1);
        } catch (NoSuchFileException e) {
            throw reader.fail(key, named + " does not exist");
        } catch (IOException e) {
            throw reader.fail(key, "cannot read " + named + ": " + PathResolver.reason(e));
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw reader.fail(key, named + " is not UTF-8 text");
        }
    }
}
