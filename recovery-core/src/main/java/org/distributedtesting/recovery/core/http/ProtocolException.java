package org.distributedtesting.recovery.core.http;

import org.distributedtesting.recovery.RecoveryException;

/**
 * A node answered, but not in the node protocol: a status other than 200, a body over the size limit, text that
 * is not JSON, a field of the wrong type or out of range, or an answer from another node than the one asked.
 * The message names the field or the problem in one line.
 *
 * <p>Immutable once thrown.
 */
public class ProtocolException extends RecoveryException {

    private static final long serialVersionUID = 1L;

    /** @param message what is wrong with the answer, naming the field */
    public ProtocolException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong with the answer, naming the field
     * @param cause   the underlying error
     */
    public ProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
