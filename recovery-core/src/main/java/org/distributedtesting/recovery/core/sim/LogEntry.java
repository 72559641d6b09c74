package org.distributedtesting.recovery.core.sim;

/**
 * One Raft log entry with the checksum it was written with; an entry whose checksum no longer matches is corrupt.
 *
 * @param index    position in the log, from 1
 * @param term     term of the leader that created it
 * @param command  the state-machine command ({@code key=value}; empty for a leader's no-op)
 * @param checksum checksum of index, term and command at write time
 */
record LogEntry(long index, long term, String command, long checksum) {

    static LogEntry of(long index, long term, String command) {
        return new LogEntry(index, term, command, checksumOf(index, term, command));
    }

    static long checksumOf(long index, long term, String command) {
        long h = Hashing.mix(Hashing.FNV_OFFSET, index);
        h = Hashing.mix(h, term);
        return Hashing.mix(h, command);
    }

    boolean intact() {
        return checksum == checksumOf(index, term, command);
    }
}
