package org.distributedtesting.recovery.core.coordination;

/** The coordination's store could not be read or written (unreachable, timed out, refused). */
public final class CoordinationException extends Exception {

    private static final long serialVersionUID = 1L;

    /** @param message what could not be done, and why */
    public CoordinationException(String message, Throwable cause) {
        super(message, cause);
    }

    /** @param message what could not be done, and why */
    public CoordinationException(String message) {
        super(message);
    }
}
