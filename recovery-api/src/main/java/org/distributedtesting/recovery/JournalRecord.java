package org.distributedtesting.recovery;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One entry of the recovery journal, in the seed's shape: {@code {"timestamp", "action", "details"}}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param timestamp when it happened
 * @param action    what happened, snake case (for example {@code restart_node})
 * @param details   JSON-friendly facts (strings, numbers, booleans, lists, maps), in insertion order
 */
public record JournalRecord(Instant timestamp, String action, Map<String, Object> details) {

    /** @throws NullPointerException if any argument is null */
    public JournalRecord {
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(action, "action");
        details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }
}
