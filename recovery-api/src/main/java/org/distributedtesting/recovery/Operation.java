package org.distributedtesting.recovery;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One operation in flight on a node (a client request, an apply, a snapshot), as the node reports it.
 *
 * <p>Immutable and thread-safe.
 *
 * @param id        the node's id for the operation, used to cancel it
 * @param kind      what it is, for example {@code "apply"} or {@code "client_write"}
 * @param startedAt when the node started it
 */
public record Operation(String id, String kind, Instant startedAt) {

    /** @throws NullPointerException if any argument is null */
    public Operation {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(startedAt, "startedAt");
    }

    /** How long the operation has run at {@code now}; never negative. */
    public Duration age(Instant now) {
        Duration age = Duration.between(startedAt, now);
        return age.isNegative() ? Duration.ZERO : age;
    }
}
