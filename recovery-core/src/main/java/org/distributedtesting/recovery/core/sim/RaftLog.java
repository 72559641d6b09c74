package org.distributedtesting.recovery.core.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.distributedtesting.recovery.IntegrityCheck;

/**
 * A node's Raft log: a snapshot base and the entries after it. It can be corrupted on purpose (a bad checksum, a
 * gap, terms out of order) and checks its own integrity as a real node's log scan would.
 *
 * <p>Not thread-safe; the simulation's lock guards it.
 */
final class RaftLog {

    /** The ways a log can be corrupted. */
    enum Corruption {
        /** An entry's bytes changed after it was written: its checksum no longer matches. */
        CHECKSUM,
        /** An entry is missing from the middle of the log. */
        GAP,
        /** An entry carries a term lower than the entry before it. */
        TERM_ORDER
    }

    private Snapshot snapshot = Snapshot.EMPTY;
    private final List<LogEntry> entries = new ArrayList<>();
    /*
     * What check() found, kept until the log changes: the engine probes every node every cycle and a node checks its
     * log before it campaigns or compacts, so a full scan each time would cost O(log) per probe. An append to a log
     * known to be intact is checked on its own (the scan would find the same); any other change forgets the result.
     */
    /** Whether {@link #failure} describes the log as it is now. */
    private boolean verified;
    /** The first problem check() finds in the log as it is now, or null when it is intact; valid when verified. */
    private IntegrityCheck failure;
    /** check()'s answer for an intact log as it is now, or null until asked. */
    private IntegrityCheck intact;

    Snapshot snapshot() {
        return snapshot;
    }

    long snapshotIndex() {
        return snapshot.index();
    }

    long lastIndex() {
        return entries.isEmpty() ? snapshot.index() : entries.get(entries.size() - 1).index();
    }

    long lastTerm() {
        return entries.isEmpty() ? snapshot.term() : entries.get(entries.size() - 1).term();
    }

    int size() {
        return entries.size();
    }

    /** The entry at {@code index}, or null when compacted, missing or beyond the end. */
    LogEntry entry(long index) {
        long position = index - snapshot.index() - 1;
        if (position < 0 || position >= entries.size()) {
            return null;
        }
        LogEntry e = entries.get((int) position);
        return e.index() == index ? e : null;
    }

    /** The term at {@code index}; -1 when unknown. */
    long termAt(long index) {
        if (index == snapshot.index()) {
            return snapshot.term();
        }
        LogEntry e = entry(index);
        return e == null ? -1 : e.term();
    }

    void append(LogEntry entry) {
        if (verified && failure == null) {
            failure = problem(entry, lastIndex() + 1, lastTerm());
        }
        entries.add(entry);
        intact = null;
    }

    /** The log changed other than by an append: the next check() scans it again. */
    private void changed() {
        verified = false;
        failure = null;
        intact = null;
    }

    /** Removes the entry at {@code index} and everything after it. */
    void truncateFrom(long index) {
        changed();
        while (!entries.isEmpty() && entries.get(entries.size() - 1).index() >= index) {
            entries.remove(entries.size() - 1);
        }
    }

    /** Entries from {@code from}, at most {@code max}. */
    List<LogEntry> slice(long from, int max) {
        long last = lastIndex();
        if (from > last || max <= 0) {
            return List.of(); // a heartbeat: most appends carry nothing
        }
        List<LogEntry> out = new ArrayList<>((int) Math.min(max, last - from + 1));
        for (long i = from; i <= last && out.size() < max; i++) {
            LogEntry e = entry(i);
            if (e == null || !e.intact()) {
                break; // never ship an entry that fails its checksum
            }
            out.add(e);
        }
        return out;
    }

    /** Drops the entries a snapshot covers. */
    void compact(Snapshot taken) {
        changed();
        entries.removeIf(e -> e.index() <= taken.index());
        snapshot = taken;
    }

    /** Installs a leader's snapshot: entries it covers go; later entries stay only if they follow it. */
    void install(Snapshot installed) {
        changed();
        LogEntry at = entry(installed.index());
        if (at == null || at.term() != installed.term()) {
            entries.clear();
        } else {
            entries.removeIf(e -> e.index() <= installed.index());
        }
        snapshot = installed;
    }

    /** Empties the log completely (after it was moved aside); it refills from the leader. */
    void reset() {
        changed();
        entries.clear();
        snapshot = Snapshot.EMPTY;
    }

    /** A copy of the log, for moving it aside. */
    RaftLog copy() {
        RaftLog copy = new RaftLog();
        copy.snapshot = snapshot;
        copy.entries.addAll(entries);
        return copy;
    }

    /**
     * Corrupts the log the given way. Picks an entry in the middle of the log; a log too short for that gets a
     * checksum error in its last entry, so that the corruption is always visible.
     */
    void corrupt(Corruption kind, Random random) {
        changed();
        if (entries.isEmpty()) {
            entries.add(LogEntry.of(snapshot.index() + 1, snapshot.term(), ""));
        }
        int n = entries.size();
        if (n < 3 && kind != Corruption.CHECKSUM) {
            kind = Corruption.CHECKSUM;
        }
        int at = n < 3 ? n - 1 : 1 + random.nextInt(n - 2);
        LogEntry e = entries.get(at);
        switch (kind) {
            case CHECKSUM -> entries.set(at, new LogEntry(e.index(), e.term(), e.command() + "\u0000",
                    e.checksum()));
            case GAP -> entries.remove(at);
            case TERM_ORDER -> {
                long previous = entries.get(at - 1).term();
                long bad = Math.max(0, previous - 1);
                if (bad == previous) {
                    entries.set(at - 1, LogEntry.of(entries.get(at - 1).index(), previous + 1,
                            entries.get(at - 1).command()));
                    bad = previous;
                }
                entries.set(at, LogEntry.of(e.index(), bad, e.command()));
            }
        }
    }

    /** The log scan a node runs on itself: entry checksums, contiguous indexes, non-decreasing terms. */
    IntegrityCheck check() {
        if (!verified) {
            failure = scan();
            verified = true;
        }
        if (failure != null) {
            return failure;
        }
        if (intact == null) {
            intact = new IntegrityCheck(IntegrityCheck.Status.OK, entries.size() + " entries after snapshot "
                    + snapshot.index() + " verified");
        }
        return intact;
    }

    /** The first problem in the whole log, or null. */
    private IntegrityCheck scan() {
        long expected = snapshot.index() + 1;
        long previousTerm = snapshot.term();
        for (LogEntry e : entries) {
            IntegrityCheck problem = problem(e, expected, previousTerm);
            if (problem != null) {
                return problem;
            }
            previousTerm = e.term();
            expected++;
        }
        return null;
    }

    /** What is wrong with {@code e} where entry {@code expected} after one of {@code previousTerm} belongs, or null. */
    private static IntegrityCheck problem(LogEntry e, long expected, long previousTerm) {
        if (e.index() != expected) {
            return IntegrityCheck.failed("index gap: expected entry " + expected + ", found " + e.index());
        }
        if (!e.intact()) {
            return IntegrityCheck.failed("checksum mismatch in entry " + e.index());
        }
        if (e.term() < previousTerm) {
            return IntegrityCheck.failed("term goes down at entry " + e.index() + ": " + previousTerm + " -> "
                    + e.term());
        }
        return null;
    }
}
