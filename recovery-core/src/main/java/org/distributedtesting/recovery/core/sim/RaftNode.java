package org.distributedtesting.recovery.core.sim;

import java.util.HashSet;
import java.util.Set;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.Role;

/**
 * One simulated Raft coordinator node: leader election with randomized timeouts and optional pre-vote, log
 * replication with AppendEntries, commit by majority, in-order apply to the state machine, snapshots and
 * InstallSnapshot. Persistent state (term, vote, log, database) survives a crash; volatile state does not.
 * Faults are flags that bend this behaviour the way real bugs and failures do ({@link NodeFaults}).
 *
 * <p>Not thread-safe; the simulation's lock guards it.
 */
final class RaftNode {

    final int index;
    final NodeId id;
    private final Simulation sim;

    // persistent
    long term;
    int votedFor = -1;
    RaftLog log = new RaftLog();
    StateMachine db = new StateMachine();

    // volatile
    Role role = Role.FOLLOWER;
    int leader = -1;
    long commitIndex;
    /** The follower's side of replication. */
    private final FollowerReplication follower;
    /** The leader's side of replication, while this node leads. */
    private LeaderReplication leading;
    private final Set<Integer> votes = new HashSet<>();
    private final Set<Integer> preVotes = new HashSet<>();
    private long electionGeneration;
    long heartbeatGeneration;
    long lastHeardFromLeader = Long.MIN_VALUE / 2;
    long electionsStarted;
    private long diskBusyUntil;

    // process
    boolean alive;
    long startedAt;
    final NodeFaults faults = new NodeFaults();
    final ResourceModel resources = new ResourceModel();
    final java.util.List<String> movedAside = new java.util.ArrayList<>();
    long starts;
    /** The exit code of the process's last end: 137 (killed) unless it failed to start (1). */
    int exitCode = 137;

    RaftNode(int index, Simulation sim) {
        this.index = index;
        this.id = NodeId.of("node-" + (index + 1));
        this.sim = sim;
        this.follower = new FollowerReplication(this, sim);
    }

    // ---- process lifecycle -------------------------------------------------------------------------------------

    /**
     * The process starts: after {@code startupMillis} it has read its database and log and serves as a follower.
     * A deadlock or leak held only in memory is gone.
     */
    void start() {
        alive = true;
        starts++;
        startedAt = sim.now();
        faults.applyStuck = false;
        faults.applyStuckSince = -1;
        faults.notServing = false;
        faults.stuckOperations = 0;
        faults.stuckOperationsSince = -1;
        resources.restarted(sim.now());
        role = Role.FOLLOWER;
        leader = -1;
        commitIndex = Math.max(db.appliedIndex(), log.snapshotIndex());
        votes.clear();
        preVotes.clear();
        heartbeatGeneration++;
        long generation = ++electionGeneration;
        sim.loop.schedule(sim.config.startupMillis(), () -> {
            if (alive && generation == electionGeneration) {
                resetElectionTimer();
            }
        });
        sim.trace(id + " started at term " + term);
    }

    /** The process dies by itself (an injected crash, a crash loop): volatile state is gone, timers stop. */
    void crash() {
        halt(id + " crashed");
    }

    /**
     * The process is stopped on purpose (by the engine's stop or restart, or a start that failed its checks): the
     * same as a crash for the node, but the trace says why, so an engine's restart is not read as a crash.
     */
    void stop(String why) {
        halt(id + " stopped: " + why);
    }

    private void halt(String traceLine) {
        if (!alive) {
            return;
        }
        alive = false;
        exitCode = 137;
        electionGeneration++;
        heartbeatGeneration++;
        role = Role.FOLLOWER;
        leader = -1;
        sim.trace(traceLine);
    }

    boolean paused() {
        return faults.pausedUntil > sim.now();
    }

    /** Alive and done starting up. */
    boolean serving() {
        return alive && sim.now() >= startedAt + sim.config.startupMillis();
    }

    // ---- elections ---------------------------------------------------------------------------------------------

    void resetElectionTimer() {
        long generation = ++electionGeneration;
        long timeout = sim.config.electionMinMillis()
                + sim.random.nextInt((int) (sim.config.electionMaxMillis() - sim.config.electionMinMillis()));
        if (faults.campaignLoop) {
            timeout = sim.config.electionMinMillis() / 2;
        }
        sim.loop.schedule(timeout, () -> {
            if (alive && generation == electionGeneration) {
                onElectionTimeout();
            }
        });
    }

    private void onElectionTimeout() {
        if (role == Role.LEADER || faults.notServing) {
            return;
        }
        if (paused()) {
            sim.loop.schedule(faults.pausedUntil - sim.now(), this::resetElectionTimer);
            return;
        }
        if (faults.electionsPaused || !sim.voters.contains(index) || log.check().failed()) {
            resetElectionTimer(); // a node whose log fails its check must not lead
            return;
        }
        if (sim.config.preVote() && !faults.campaignLoop) {
            preVotes.clear();
            preVotes.add(index);
            for (int peer : sim.peersOf(index)) {
                sim.send(index, peer, new Message.RequestVote(term + 1, index, log.lastIndex(), log.lastTerm(), true));
            }
            resetElectionTimer();
            if (preVotes.size() >= sim.majority()) {
                startElection();
            }
        } else {
            startElection();
        }
    }

    private void startElection() {
        term++;
        role = Role.CANDIDATE;
        votedFor = index;
        leader = -1;
        electionsStarted++;
        votes.clear();
        votes.add(index);
        heartbeatGeneration++;
        for (int peer : sim.peersOf(index)) {
            sim.send(index, peer, new Message.RequestVote(term, index, log.lastIndex(), log.lastTerm(), false));
        }
        resetElectionTimer();
        if (votes.size() >= sim.majority()) {
            becomeLeader();
        }
    }

    private boolean upToDate(long lastLogIndex, long lastLogTerm) {
        return lastLogTerm > log.lastTerm() || (lastLogTerm == log.lastTerm() && lastLogIndex >= log.lastIndex());
    }

    void becomeFollower(long newTerm, int newLeader) {
        if (newTerm > term) {
            term = newTerm;
            votedFor = -1;
        }
        if (role == Role.LEADER) {
            sim.trace(id + " stepped down at term " + term);
        }
        role = Role.FOLLOWER;
        leader = newLeader;
        heartbeatGeneration++;
    }

    void becomeLeader() {
        role = Role.LEADER;
        leader = index;
        log.append(LogEntry.of(log.lastIndex() + 1, term, ""));
        leading = new LeaderReplication(this, sim);
        sim.trace(id + " became leader at term " + term);
        sim.onLeader(this);
        leading.heartbeat(++heartbeatGeneration);
        leading.advanceCommit();
    }

    // ---- messages ----------------------------------------------------------------------------------------------

    void receive(Message m) {
        if (!serving() || faults.notServing) {
            return;
        }
        if (paused()) {
            sim.loop.schedule(faults.pausedUntil - sim.now(), () -> receive(m));
            return;
        }
        if (faults.slowDiskMillis > 0 && (m instanceof Message.Append || m instanceof Message.InstallSnapshot)) {
            // a slow disk writes one batch after another: each waits for the ones before it
            long done = Math.max(sim.now(), diskBusyUntil) + faults.slowDiskMillis;
            diskBusyUntil = done;
            sim.loop.schedule(done - sim.now(), () -> {
                if (serving()) {
                    handle(m);
                }
            });
            return;
        }
        handle(m);
    }

    private void handle(Message m) {
        if (m instanceof Message.RequestVote rv) {
            onRequestVote(rv);
        } else if (m instanceof Message.Vote v) {
            onVote(v);
        } else if (m instanceof Message.Append a) {
            follower.onAppend(a);
        } else if (m instanceof Message.AppendReply r) {
            onReply(r.term(), () -> leading.onAppendReply(r));
        } else if (m instanceof Message.InstallSnapshot s) {
            follower.onInstallSnapshot(s);
        } else if (m instanceof Message.SnapshotReply r) {
            onReply(r.term(), () -> leading.onSnapshotReply(r));
        }
    }

    /** A reply to this node as leader: a higher term deposes it; one of its own term is the leader's business. */
    private void onReply(long replyTerm, Runnable asLeader) {
        if (replyTerm > term) {
            becomeFollower(replyTerm, -1);
            resetElectionTimer();
            return;
        }
        if (role == Role.LEADER && replyTerm == term) {
            asLeader.run();
        }
    }

    private void onRequestVote(Message.RequestVote rv) {
        if (rv.preVote()) {
            boolean leaderRecentlyHeard = leader != -1 && role != Role.LEADER
                    && sim.now() - lastHeardFromLeader < sim.config.electionMinMillis();
            boolean grant = rv.term() > term && upToDate(rv.lastLogIndex(), rv.lastLogTerm())
                    && !leaderRecentlyHeard && role != Role.LEADER;
            sim.send(index, rv.from(), new Message.Vote(rv.term(), index, grant, true));
            return;
        }
        if (rv.term() > term) {
            becomeFollower(rv.term(), -1);
        }
        boolean grant = rv.term() == term && (votedFor == -1 || votedFor == rv.from())
                && upToDate(rv.lastLogIndex(), rv.lastLogTerm());
        if (grant) {
            votedFor = rv.from();
            resetElectionTimer();
        }
        sim.send(index, rv.from(), new Message.Vote(term, index, grant, false));
    }

    private void onVote(Message.Vote v) {
        if (v.preVote()) {
            if (role != Role.LEADER && v.granted() && v.term() == term + 1 && !preVotes.isEmpty()) {
                preVotes.add(v.from());
                if (preVotes.size() >= sim.majority()) {
                    preVotes.clear();
                    startElection();
                }
            }
            return;
        }
        if (v.term() > term) {
            becomeFollower(v.term(), -1);
            resetElectionTimer();
            return;
        }
        if (role == Role.CANDIDATE && v.term() == term && v.granted() && sim.voters.contains(v.from())) {
            votes.add(v.from());
            if (votes.stream().filter(sim.voters::contains).count() >= sim.majority()) {
                becomeLeader();
            }
        }
    }


    // ---- commit and apply --------------------------------------------------------------------------------------

    /** A client command; returns its log index, or -1 when this node does not lead. */
    long propose(String command) {
        if (!alive || role != Role.LEADER) {
            return -1;
        }
        log.append(LogEntry.of(log.lastIndex() + 1, term, command));
        leading.advanceCommit();
        return log.lastIndex();
    }

    void applyCommitted() {
        while (db.appliedIndex() < commitIndex && alive) {
            if (faults.applyStuck) {
                if (faults.applyStuckSince < 0) {
                    faults.applyStuckSince = sim.now();
                }
                return;
            }
            LogEntry entry = log.entry(db.appliedIndex() + 1);
            if (entry == null || !entry.intact()) {
                return; // a missing or corrupt entry halts the apply loop, as a checksum-verifying reader would
            }
            boolean wrong = faults.wrongApplies > 0 && !entry.command().isEmpty();
            if (wrong) {
                faults.wrongApplies--;
            }
            db.apply(entry, wrong);
            sim.onApplied(this, entry);
        }
        if (db.appliedIndex() - log.snapshotIndex() >= sim.config.snapshotThreshold()) {
            takeSnapshot();
        }
    }

    /**
     * Snapshots the state machine at its applied index and compacts the log. Compaction reads the log it drops, so
     * a log that fails its check is left alone (the corruption stays visible until the log is repaired).
     */
    void takeSnapshot() {
        long at = db.appliedIndex();
        if (at <= log.snapshotIndex() || log.check().failed()) {
            return;
        }
        long t = log.termAt(at);
        if (t < 0) {
            return;
        }
        log.compact(db.snapshot(t));
    }

    /** Campaigns at once (a leadership transfer's TimeoutNow). */
    void campaignNow() {
        if (serving() && role != Role.LEADER && sim.voters.contains(index)) {
            startElection();
        }
    }

    /** As leader: forget what a follower had and resend from its log's end. */
    void resync(int peer) {
        if (role == Role.LEADER) {
            leading.resync(peer);
        }
    }

    /** As leader, the index up to which a peer's log matches this node's; -1 when this node does not lead. */
    long matchIndexOf(int peer) {
        return role == Role.LEADER ? leading.matchIndex(peer) : -1;
    }
}
