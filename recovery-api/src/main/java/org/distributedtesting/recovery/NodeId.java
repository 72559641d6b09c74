package org.distributedtesting.recovery;

import java.util.Objects;

/**
 * The identity of one coordinator node, as named in the cluster configuration (for example {@code "node-1"}).
 *
 * <p>Immutable and thread-safe. Ordered by its value so that every report and journal lists nodes in the
 * same order.
 *
 * @param value the node's id; not blank
 */
public record NodeId(String value) implements Comparable<NodeId> {

    /**
     * @throws NullPointerException if {@code value} is null
     * @throws IllegalArgumentException if {@code value} is blank
     */
    public NodeId {
        Objects.requireNonNull(value, "node id must not be null");
        if (value.isBlank()) {
            throw new IllegalArgumentException("node id must not be blank");
        }
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
