package org.distributedtesting.recovery.core.sim;

import java.util.Objects;

/**
 * One Raft log entry with the checksum it was written with; an entry whose checksum no longer matches is corrupt.
 * Whether it matches is worked out once, when the entry is made: entries are read (shipped, applied, scanned) far
 * more often than they are written, and an entry never changes (a corruption makes a new one).
 *
 * <p>Immutable and thread-safe; equal when index, term, command and checksum are.
 */
final class LogEntry {

    private final long index;
    private final long term;
    private final String command;
    private final long checksum;
    private final boolean intact;

    /**
     * @param index    position in the log, from 1
     * @param term     term of the leader that created it
     * @param command  the state-machine command ({@code key=value}; empty for a leader's no-op)
     * @param checksum checksum of index, term and command at write time
     */
    LogEntry(long index, long term, String command, long checksum) {
        this.index = index;
        this.term = term;
        this.command = Objects.requireNonNull(command, "command");
        this.checksum = checksum;
        this.intact = checksum == checksumOf(index, term, command);
    }

    static LogEntry of(long index, long term, String command) {
        return new LogEntry(index, term, command, checksumOf(index, term, command));
    }

    static long checksumOf(long index, long term, String command) {
        long h = Hashing.mix(Hashing.FNV_OFFSET, index);
        h = Hashing.mix(h, term);
        return Hashing.mix(h, command);
    }

    long index() {
        return index;
    }

    long term() {
        return term;
    }

    String command() {
        return command;
    }

    long checksum() {
        return checksum;
    }

    /** Whether the checksum still matches index, term and command. */
    boolean intact() {
        return intact;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LogEntry e && index == e.index && term == e.term && checksum == e.checksum
                && command.equals(e.command);
    }

    @Override
    public int hashCode() {
        return Objects.hash(index, term, command, checksum);
    }

    @Override
    public String toString() {
        return "LogEntry[index=" + index + ", term=" + term + ", command=" + command + ", checksum=" + checksum + "]";
    }
}
