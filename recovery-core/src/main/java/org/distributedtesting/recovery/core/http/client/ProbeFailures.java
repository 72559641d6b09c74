package org.distributedtesting.recovery.core.http.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.distributedtesting.recovery.RecoveryException;
import org.distributedtesting.recovery.core.http.NodeText;
import org.distributedtesting.recovery.core.http.ProtocolException;
import org.distributedtesting.recovery.core.http.codec.JsonReads;

/**
 * The failures {@link HttpNodeProbe} and {@link HttpNodeControl} report: short messages for what the HTTP client
 * raised, and redaction of the bearer token from anything a node echoed back.
 *
 * <p>Stateless and thread-safe.
 */
final class ProbeFailures {

    static final String REDACTED = "[redacted]";

    /** How deep cause chains are walked; a chain with a cycle must not loop. */
    private static final int MAX_CAUSE_DEPTH = 16;
    private static final int MAX_ERROR_CHARS = 200;

    private ProbeFailures() {
    }

    /** A short message for why a request got no response, keeping the client's exception as the cause. */
    static IOException transportFailure(Throwable failure, String host, Deadline deadline, Duration connectTimeout) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof HttpConnectTimeoutException) {
            return withCause(new HttpConnectTimeoutException("connect timed out after "
                    + connectTimeout.toMillis() + " ms"), cause);
        }
        if (cause instanceof HttpTimeoutException) {
            return withCause(deadline.timedOut(), cause);
        }
        if (hasCause(cause, UnresolvedAddressException.class) || cause instanceof UnknownHostException) {
            return withCause(new UnknownHostException("unknown host '" + host + "'"), cause);
        }
        if (cause instanceof ConnectException) {
            String message = cause.getMessage();
            boolean refused = message == null || message.toLowerCase(Locale.ROOT).contains("refused");
            return withCause(new ConnectException(refused ? "connection refused" : "cannot connect: " + message),
                    cause);
        }
        if (cause instanceof IOException) {
            String message = cause.getMessage();
            return new IOException(message == null ? cause.getClass().getSimpleName() : message, cause);
        }
        return new IOException("request failed: " + cause, cause);
    }

    /**
     * The failure as it may be reported: when any message in its cause chain contains the token (a node can echo
     * it in its status line or body), a copy with the token replaced and without the causes.
     *
     * @param secret the token sent, or null when none was
     */
    static Exception redact(Exception failure, String secret) {
        if (secret == null) {
            return failure;
        }
        boolean mentioned = false;
        int depth = 0;
        for (Throwable t = failure; t != null && depth < MAX_CAUSE_DEPTH; t = t.getCause(), depth++) {
            String message = t.getMessage();
            mentioned |= message != null && message.contains(secret);
        }
        if (!mentioned) {
            return failure;
        }
        String message = String.valueOf(failure.getMessage()).replace(secret, REDACTED);
        if (failure instanceof ProtocolException) {
            return new ProtocolException(message);
        }
        if (failure instanceof IOException) {
            return new IOException(message);
        }
        return new RecoveryException(message);
    }

    /** {@code text} with every occurrence of the token replaced; as is when {@code secret} is null. */
    static String redact(String text, String secret) {
        return secret == null || text == null ? text : text.replace(secret, REDACTED);
    }

    /** Throws an {@link IOException} as is, or an unchecked exception: the only kinds a probe reports. */
    static IOException rethrow(Exception failure) throws IOException {
        if (failure instanceof IOException io) {
            throw io;
        }
        throw (RuntimeException) failure;
    }

    private static <E extends Throwable> E withCause(E exception, Throwable cause) {
        exception.initCause(cause);
        return exception;
    }

    private static boolean hasCause(Throwable failure, Class<? extends Throwable> type) {
        int depth = 0;
        for (Throwable t = failure; t != null && depth < MAX_CAUSE_DEPTH; t = t.getCause(), depth++) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /** What an answer other than 200 says: the status, and the node's {@code error} when it gave one. */
    static String httpFailure(int status, byte[] body, String secret) {
        String message = "node answered HTTP " + status;
        if (status == 401) {
            return message + ": the node refused the bearer token (is the control token configured?)";
        }
        try {
            JsonNode answer = JsonReads.readObject(body, "response");
            Optional<String> error = JsonReads.member(answer, "error").filter(JsonNode::isTextual)
                    .map(JsonNode::textValue);
            if (error.isEmpty()) {
                return message;
            }
            if (secret != null && error.get().contains(secret)) {
                return message + " (its error message quotes the bearer token and is withheld)";
            }
            return message + ": " + NodeText.printable(error.get(), MAX_ERROR_CHARS);
        } catch (ProtocolException notJson) {
            return message;
        }
    }
}
