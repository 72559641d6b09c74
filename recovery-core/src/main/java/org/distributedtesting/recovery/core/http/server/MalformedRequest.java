package org.distributedtesting.recovery.core.http.server;

import java.io.IOException;

/**
 * A request the server cannot read as HTTP/1.1 (a broken request line, headers over the limit, a body framing it
 * does not know), with the status code it is answered with and the message of the answer's {@code error}.
 *
 * <p>Immutable.
 */
final class MalformedRequest extends IOException {

    private static final long serialVersionUID = 1L;

    private final int status;

    MalformedRequest(int status, String message) {
        super(message);
        this.status = status;
    }

    /** The status code of the answer: 400, 431, 501 or 505. */
    int status() {
        return status;
    }
}
