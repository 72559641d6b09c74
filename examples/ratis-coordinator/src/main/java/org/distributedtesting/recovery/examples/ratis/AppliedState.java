package org.distributedtesting.recovery.examples.ratis;

import java.util.Objects;
import org.distributedtesting.recovery.StateChecksum;

/**
 * How far a database has applied the log, and the checksum of its tables at exactly that entry. Written in the
 * same SQLite transaction as the rows it describes, so a database (or a copy of it) always says truthfully which
 * log index it holds.
 *
 * <p>Immutable and thread-safe.
 *
 * @param term  term of the last applied entry, {@code 0} before any
 * @param index index of the last applied entry, {@code -1} before any
 * @param hash  checksum of the tables after that entry
 */
record AppliedState(long term, long index, StateHash hash) {

    /** A database that has applied nothing. */
    static final AppliedState NONE = new AppliedState(0, -1, StateHash.EMPTY);

    AppliedState {
        Objects.requireNonNull(hash, "hash");
        if (index < -1) {
            throw new IllegalArgumentException("index must be >= -1, but was " + index);
        }
    }

    /** The checksum as the node protocol reports it, or null before any entry was applied. */
    StateChecksum checksum() {
        return index < 0 ? null : new StateChecksum(hash.value(), index);
    }
}
