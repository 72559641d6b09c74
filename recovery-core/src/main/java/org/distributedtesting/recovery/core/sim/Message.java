package org.distributedtesting.recovery.core.sim;

import java.util.List;

/** Raft messages between simulated nodes. Immutable. */
sealed interface Message {

    /** The sender's term. */
    long term();

    /** Sender index. */
    int from();

    /** A (pre-)vote request. A pre-vote asks for {@code term} without anyone changing term. */
    record RequestVote(long term, int from, long lastLogIndex, long lastLogTerm, boolean preVote) implements Message {
    }

    /** The answer to a (pre-)vote request. */
    record Vote(long term, int from, boolean granted, boolean preVote) implements Message {
    }

    /** Log replication and heartbeat. */
    record Append(long term, int from, long prevLogIndex, long prevLogTerm, List<LogEntry> entries,
                  long leaderCommit) implements Message {
    }

    /** The answer to {@link Append}; {@code matchIndex} on success, a retry hint otherwise. */
    record AppendReply(long term, int from, boolean success, long matchIndex) implements Message {
    }

    /** A leader's snapshot for a follower too far behind. */
    record InstallSnapshot(long term, int from, Snapshot snapshot) implements Message {
    }

    /** The answer to {@link InstallSnapshot}. */
    record SnapshotReply(long term, int from, long matchIndex) implements Message {
    }
}
