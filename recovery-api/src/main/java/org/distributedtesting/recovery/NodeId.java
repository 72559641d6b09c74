package org.distributedtesting.recovery;

import java.util.Objects;

/**
 * The identity of one coordinator node, as named in the cluster configuration (for example {@code "node-1"}).
 *
 * <p>Immutable and thread-safe. Ordered by its value so that every report and journal lists nodes in the
 * same order.
 *
 * <p>A node id is 1 to 64 characters: ASCII letters, digits, {@code .}, {@code _} and {@code -}, starting with a
 * letter or a digit ({@link #GRAMMAR}). Nothing else is an id, so an id can be printed, logged, used as a metric
 * label or a file name as it is, and a node that reports another "id" (a leader, a peer) breaks the protocol.
 *
 * @param value the node's id, in the grammar of {@link #GRAMMAR}
 */
public record NodeId(String value) implements Comparable<NodeId> {

    /** What a node id is, as a regular expression. */
    public static final String GRAMMAR = "[A-Za-z0-9][A-Za-z0-9._-]{0,63}";

    private static final java.util.regex.Pattern PATTERN = java.util.regex.Pattern.compile(GRAMMAR);

    /**
     * @throws NullPointerException if {@code value} is null
     * @throws IllegalArgumentException if {@code value} is not in the grammar of {@link #GRAMMAR}
     */
    public NodeId {
        Objects.requireNonNull(value, "node id must not be null");
        if (value.isBlank()) {
            throw new IllegalArgumentException("node id must not be blank");
        }
        if (!isValid(value)) {
            throw new IllegalArgumentException("node id must be 1 to 64 letters, digits, '.', '_' or '-', starting"
                    + " with a letter or a digit (" + GRAMMAR + "), but was " + quoted(value));
        }
    }

    /** Whether {@code value} is a node id, in the grammar of {@link #GRAMMAR}. */
    public static boolean isValid(String value) {
        return value != null && PATTERN.matcher(value).matches();
    }

    /** The value in quotes, cut and with every character outside printable ASCII escaped, for a message. */
    private static String quoted(String value) {
        StringBuilder out = new StringBuilder("'");
        value.codePoints().limit(80).forEach(c -> {
            if (c >= 0x20 && c < 0x7f) {
                out.appendCodePoint(c);
            } else {
                out.append(String.format("\\u%04x", c));
            }
        });
        return out.append(value.length() > 80 ? "...'" : "'").toString();
    }

    /** Shorthand for {@code new NodeId(value)}. */
    public static NodeId of(String value) {
        return new NodeId(value);
    }

    @Override
    public int compareTo(NodeId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
