package org.distributedtesting.recovery;

import java.util.Objects;

/**
 * A checksum of a node's state machine and the applied index it belongs to. Two checksums only say something
 * about divergence when their indexes are equal.
 *
 * <p>Immutable and thread-safe.
 *
 * @param value the checksum, in any stable textual form
 * @param index the applied log index the checksum was taken at, {@code >= 0}
 */
public record StateChecksum(String value, long index) {

    /**
     * @throws NullPointerException if {@code value} is null
     * @throws IllegalArgumentException if {@code index} is negative
     */
    public StateChecksum {
        Objects.requireNonNull(value, "value");
        if (index < 0) {
            throw new IllegalArgumentException("index must be >= 0, but was " + index);
        }
    }
}
