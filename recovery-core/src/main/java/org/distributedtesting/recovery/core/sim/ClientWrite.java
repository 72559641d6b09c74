package org.distributedtesting.recovery.core.sim;

import java.util.OptionalLong;

/**
 * One client write to the simulated cluster and what became of it. A write is acknowledged when the leader that
 * accepted it has committed and applied it; an acknowledged write must never be lost.
 *
 * <p>Immutable and thread-safe.
 *
 * @param id             the write's number, from 1
 * @param key            the key written ({@code w<id>})
 * @param value          the value written
 * @param submittedAt    virtual milliseconds when the client sent it
 * @param index          the log index the leader gave it, or -1 when no leader took it
 * @param term           the term of that leader, or -1
 * @param acknowledgedAt virtual milliseconds of the acknowledgement, if there was one
 */
public record ClientWrite(long id, String key, String value, long submittedAt, long index, long term,
                          OptionalLong acknowledgedAt) {

    /** Whether the client got an acknowledgement. */
    public boolean acknowledged() {
        return acknowledgedAt.isPresent();
    }

    ClientWrite acknowledge(long at) {
        return new ClientWrite(id, key, value, submittedAt, index, term, OptionalLong.of(at));
    }
}
