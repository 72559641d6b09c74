package org.distributedtesting.recovery;

/**
 * The root of this library's unchecked exceptions. Subclasses carry the context of what went wrong.
 *
 * <p>Immutable once thrown.
 */
public class RecoveryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** An exception with a message that says what is wrong and what to do. */
    public RecoveryException(String message) {
        super(message);
    }

    /** An exception with a message and its cause. */
    public RecoveryException(String message, Throwable cause) {
        super(message, cause);
    }
}
