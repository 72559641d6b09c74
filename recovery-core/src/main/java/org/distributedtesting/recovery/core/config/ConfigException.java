package org.distributedtesting.recovery.core.config;

import java.util.Objects;
import org.distributedtesting.recovery.RecoveryException;

/**
 * The configuration is unusable. The message names the file, the key path (for example
 * {@code nodes[1].port}) and the problem, in one line an operator can act on.
 *
 * <p>Immutable once thrown.
 */
public class ConfigException extends RecoveryException {

    private static final long serialVersionUID = 1L;

    private final String keyPath;

    /**
     * @param keyPath the offending key path, or {@code ""} for the file as a whole
     * @param message what is wrong, including the key path
     */
    public ConfigException(String keyPath, String message) {
        super(message);
        this.keyPath = Objects.requireNonNull(keyPath, "keyPath");
    }

    /**
     * @param keyPath the offending key path, or {@code ""} for the file as a whole
     * @param message what is wrong, including the key path
     * @param cause   the underlying error
     */
    public ConfigException(String keyPath, String message, Throwable cause) {
        super(message, cause);
        this.keyPath = Objects.requireNonNull(keyPath, "keyPath");
    }

    /** The offending key path, {@code ""} when the whole file is wrong (missing, not JSON). */
    public String keyPath() {
        return keyPath;
    }
}
