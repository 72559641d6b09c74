package org.distributedtesting.recovery.core.sim;

import java.util.HashMap;
import java.util.Map;

/**
 * The {@value InvariantChecker#LEADER_COMPLETENESS} invariant: every committed entry, recorded once from the
 * leaders' commit notifications, must never change, and every later leader must hold it. A leader's commit of
 * index n commits everything up to n, so each leader records the entries from where it last stopped up to n;
 * amortized, each node reads each index of its log once. Entries a leader has already compacted are left for
 * others to record; entries at or below a new leader's snapshot count as present.
 *
 * <p>Memory is one map entry per committed index. Not thread-safe; the cluster's lock guards it.
 */
final class CommittedEntries {

    private final InvariantChecker checker;
    private final Map<Long, LogEntry> byIndex = new HashMap<>();
    private long highest;
    /** Per node: up to which index the entries it committed as leader are recorded or compared. */
    private final long[] recordedUpTo;

    CommittedEntries(InvariantChecker checker, int nodes) {
        this.checker = checker;
        this.recordedUpTo = new long[nodes];
    }

    /** A leader committed {@code index}, and with it every entry before it. */
    void committed(RaftNode leader, long index) {
        long from = Math.max(recordedUpTo[leader.index], leader.log.snapshotIndex()) + 1;
        for (long i = from; i <= index; i++) {
            LogEntry entry = leader.log.entry(i);
            if (entry == null) {
                continue;
            }
            LogEntry first = byIndex.putIfAbsent(i, entry);
            if (first != null && !same(first, entry)) {
                checker.record(InvariantChecker.LEADER_COMPLETENESS, "index " + i + " was committed as "
                        + describe(first) + " and is committed again by '" + leader.id + "' (term " + leader.term
                        + ") as " + describe(entry));
            }
        }
        recordedUpTo[leader.index] = Math.max(recordedUpTo[leader.index], index);
        highest = Math.max(highest, index);
    }

    /** A node became leader: its log must hold every committed entry above its snapshot, unchanged. */
    void checkNewLeader(RaftNode leader) {
        long missing = 0;
        long changed = 0;
        String first = null;
        for (long i = leader.log.snapshotIndex() + 1; i <= highest; i++) {
            LogEntry expected = byIndex.get(i);
            if (expected == null) {
                continue;
            }
            LogEntry actual = leader.log.entry(i);
            if (actual != null && same(expected, actual)) {
                continue;
            }
            if (actual == null) {
                missing++;
            } else {
                changed++;
            }
            if (first == null) {
                first = "index " + i + " committed as " + describe(expected) + ", its log has "
                        + (actual == null ? "no entry" : describe(actual));
            }
        }
        if (first != null) {
            checker.record(InvariantChecker.LEADER_COMPLETENESS, "new leader '" + leader.id + "' (term "
                    + leader.term + ") lacks " + missing + " and has " + changed
                    + " changed committed entries; first: " + first);
        }
    }

    private static boolean same(LogEntry a, LogEntry b) {
        return a.term() == b.term() && a.command().equals(b.command());
    }

    private static String describe(LogEntry e) {
        return "(term " + e.term() + ", '" + e.command() + "')";
    }
}
