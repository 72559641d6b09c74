package org.distributedtesting.recovery.core.http.codec;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.function.Supplier;
import org.distributedtesting.recovery.RecoveryException;

/**
 * The bearer token of the node protocol on both sides: reading it from its supplier, sending it, and checking
 * a presented one. No method here puts the token into a message.
 *
 * <p>Stateless and thread-safe.
 */
public final class BearerToken {

    public static final String HEADER = "Authorization";
    private static final String SCHEME = "Bearer ";

    private BearerToken() {
    }

    /**
     * The token to use now, without surrounding whitespace (a secrets file often ends in a line break), or null
     * when there is none: no supplier, or it gave null or a blank string.
     */
    public static String current(Supplier<String> token) {
        if (token == null) {
            return null;
        }
        String value = token.get();
        return value == null || value.isBlank() ? null : value.strip();
    }

    /** Whether {@code secret} can be sent in a header: printable ASCII only (space included), nothing else. */
    public static boolean isHeaderValue(String secret) {
        return secret.chars().allMatch(c -> c >= 0x20 && c < 0x7f);
    }

    /**
     * Adds {@code Authorization: Bearer <secret>} when {@code secret} is not null.
     *
     * @throws RecoveryException if the token cannot be a header value; the message does not quote it
     */
    public static void authorize(HttpRequest.Builder request, String secret) {
        if (secret == null) {
            return;
        }
        try {
            request.header(HEADER, SCHEME + secret);
        } catch (IllegalArgumentException e) {
            // the cause is left out on purpose: its message may quote the header value
            throw new RecoveryException("the bearer token is not a valid HTTP header value"
                    + " (it contains a line break or a control character)");
        }
    }

    /**
     * Whether an {@code Authorization} header value presents {@code expected}. The comparison takes the same
     * time whatever the presented value: both are hashed first, so neither their contents nor their lengths
     * can be learned by timing, and the hashes are compared with {@link MessageDigest#isEqual}.
     *
     * @param header   the header value as received, or null when there was none
     * @param expected the token this node accepts, or null when it has none (then nothing matches)
     */
    public static boolean presents(String header, String expected) {
        if (header == null || expected == null || !header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return false;
        }
        byte[] presented = sha256(header.substring(SCHEME.length()).strip());
        return MessageDigest.isEqual(presented, sha256(expected));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must support SHA-256", e);
        }
    }
}
