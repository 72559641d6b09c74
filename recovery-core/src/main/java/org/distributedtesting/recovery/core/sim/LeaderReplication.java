package org.distributedtesting.recovery.core.sim;

import java.util.List;
import org.distributedtesting.recovery.Role;

/**
 * The leader's side of simulated Raft replication, for one term of leadership: what it knows of each follower's log
 * (next and match index), heartbeats with AppendEntries or InstallSnapshot, and commit by majority of the voters.
 * Made when a node becomes leader; its replies reach it only while that node leads in the same term.
 *
 * <p>Not thread-safe; the simulation's lock guards it.
 */
final class LeaderReplication {

    private static final int MAX_BATCH = 64;

    private final RaftNode node;
    private final Simulation sim;
    private final long[] nextIndex;
    private final long[] matchIndex;

    /** Starts leading with {@code node}'s log as it is, its no-op entry of the new term appended. */
    LeaderReplication(RaftNode node, Simulation sim) {
        this.node = node;
        this.sim = sim;
        int n = sim.nodes.size();
        nextIndex = new long[n];
        matchIndex = new long[n];
        for (int i = 0; i < n; i++) {
            nextIndex[i] = node.log.lastIndex();
        }
        matchIndex[node.index] = node.log.lastIndex();
    }

    /** Sends every peer what it lacks, and again every heartbeat, while this generation of leadership lasts. */
    void heartbeat(long generation) {
        if (!node.alive || node.role != Role.LEADER || generation != node.heartbeatGeneration) {
            return;
        }
        if (!node.paused()) {
            for (int peer : sim.peersOf(node.index)) {
                sendAppend(peer);
            }
        }
        sim.loop.schedule(sim.config.heartbeatMillis(), () -> heartbeat(generation));
    }

    void onAppendReply(Message.AppendReply r) {
        if (r.success()) {
            matched(r.from(), r.matchIndex());
        } else {
            nextIndex[r.from()] = Math.max(1, Math.min(nextIndex[r.from()] - 1, r.matchIndex()));
            sendAppend(r.from());
        }
    }

    void onSnapshotReply(Message.SnapshotReply r) {
        matched(r.from(), r.matchIndex());
    }

    private void matched(int peer, long index) {
        matchIndex[peer] = Math.max(matchIndex[peer], index);
        nextIndex[peer] = matchIndex[peer] + 1;
        advanceCommit();
    }

    private void sendAppend(int peer) {
        RaftLog log = node.log;
        if (nextIndex[peer] <= log.snapshotIndex()) {
            sim.send(node.index, peer, new Message.InstallSnapshot(node.term, node.index, log.snapshot()));
            return;
        }
        long prev = nextIndex[peer] - 1;
        List<LogEntry> entries = log.slice(nextIndex[peer], MAX_BATCH);
        sim.send(node.index, peer, new Message.Append(node.term, node.index, prev, log.termAt(prev), entries,
                node.commitIndex));
    }

    /** Commits the newest entry of this term that a majority of voters holds, then applies. */
    void advanceCommit() {
        RaftLog log = node.log;
        matchIndex[node.index] = log.lastIndex();
        for (long n = log.lastIndex(); n > node.commitIndex; n--) {
            if (log.termAt(n) != node.term) {
                break;
            }
            int count = 0;
            for (int voter : sim.voters) {
                if (matchIndex[voter] >= n) {
                    count++;
                }
            }
            if (count >= sim.majority()) {
                node.commitIndex = n;
                sim.onCommitted(node, n);
                break;
            }
        }
        node.applyCommitted();
    }

    /** Forgets what a follower had and resends from its log's end. */
    void resync(int peer) {
        nextIndex[peer] = Math.min(nextIndex[peer], sim.nodes.get(peer).log.lastIndex() + 1);
        sendAppend(peer);
    }

    /** The index up to which the peer's log is known to match the leader's. */
    long matchIndex(int peer) {
        return matchIndex[peer];
    }
}
