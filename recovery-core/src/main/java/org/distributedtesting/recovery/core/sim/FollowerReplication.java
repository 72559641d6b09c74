package org.distributedtesting.recovery.core.sim;

import org.distributedtesting.recovery.Role;

/**
 * The follower's side of simulated Raft replication: AppendEntries (consistency check, conflicting entries
 * truncated, commit index from the leader) and InstallSnapshot (a log that fails its own check takes none).
 *
 * <p>Not thread-safe; the simulation's lock guards it.
 */
final class FollowerReplication {

    private final RaftNode node;
    private final Simulation sim;

    FollowerReplication(RaftNode node, Simulation sim) {
        this.node = node;
        this.sim = sim;
    }

    void onAppend(Message.Append a) {
        RaftLog log = node.log;
        if (a.term() < node.term || (node.role == Role.LEADER && a.term() == node.term)) {
            reply(a.from(), new Message.AppendReply(node.term, node.index, false, 0));
            return;
        }
        if (a.term() > node.term || node.role != Role.FOLLOWER) {
            node.becomeFollower(a.term(), a.from());
        }
        node.leader = a.from();
        node.lastHeardFromLeader = sim.now();
        node.resetElectionTimer();
        if (a.prevLogIndex() > log.lastIndex()) {
            reply(a.from(), new Message.AppendReply(node.term, node.index, false, log.lastIndex() + 1));
            return;
        }
        if (a.prevLogIndex() >= log.snapshotIndex() && log.termAt(a.prevLogIndex()) != a.prevLogTerm()) {
            reply(a.from(), new Message.AppendReply(node.term, node.index, false, Math.max(1, a.prevLogIndex())));
            return;
        }
        for (LogEntry e : a.entries()) {
            if (e.index() <= log.snapshotIndex()) {
                continue;
            }
            LogEntry existing = log.entry(e.index());
            if (existing != null && existing.term() != e.term()) {
                log.truncateFrom(e.index());
                existing = null;
            }
            if (existing == null && e.index() == log.lastIndex() + 1) {
                log.append(e);
            }
        }
        long lastNew = a.prevLogIndex() + a.entries().size();
        if (a.leaderCommit() > node.commitIndex) {
            long known = Math.min(a.leaderCommit(), Math.min(lastNew, log.lastIndex()));
            node.commitIndex = Math.max(node.commitIndex, known);
            node.applyCommitted();
        }
        reply(a.from(), new Message.AppendReply(node.term, node.index, true, Math.min(lastNew, log.lastIndex())));
    }

    void onInstallSnapshot(Message.InstallSnapshot s) {
        RaftLog log = node.log;
        if (s.term() < node.term) {
            reply(s.from(), new Message.SnapshotReply(node.term, node.index, 0));
            return;
        }
        node.becomeFollower(s.term(), s.from());
        node.lastHeardFromLeader = sim.now();
        node.resetElectionTimer();
        if (log.check().failed()) {
            // a node does not build on storage that fails its own check, as it does not compact it: the corruption
            // stays visible until the log is repaired, and the reply claims no entry for the leader to count
            reply(s.from(), new Message.SnapshotReply(node.term, node.index, 0));
            return;
        }
        Snapshot snapshot = s.snapshot();
        if (log.termAt(snapshot.index()) != snapshot.term()) {
            log.install(snapshot);
        }
        if (snapshot.index() > node.db.appliedIndex()) {
            node.db.restore(snapshot);
            sim.trace(node.id + " installed snapshot at index " + snapshot.index());
        }
        node.commitIndex = Math.max(node.commitIndex, snapshot.index());
        node.applyCommitted();
        long matched = Math.max(snapshot.index(), log.lastIndex());
        reply(s.from(), new Message.SnapshotReply(node.term, node.index, matched));
    }

    private void reply(int to, Message message) {
        sim.send(node.index, to, message);
    }
}
