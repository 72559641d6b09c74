package org.distributedtesting.recovery.examples.ratis;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.distributedtesting.recovery.IntegrityCheck;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.Role;

/**
 * Builds the node's {@link NodeStatus} for the node protocol: Raft's view from Ratis' division (role, term, leader,
 * commit and last log index, voting membership), the database's applied index with its checksum from the state
 * machine, the apply or snapshot in flight, the apply backlog as queue depth (committed but not yet applied
 * entries), the elections the node started ({@link CampaignCounter}), resources, peer reachability, and the two
 * integrity checks, each reused for {@link #CHECK_TTL} and then run again on the reporter's own thread while the
 * answers carry the last verdict ({@link CachedCheck}): an answer never waits for a check of the whole database or
 * log, except the first one after a fault hook or a control action changed the data.
 *
 * <p>A node whose Raft server is not running (a check failed at start, or Ratis refused its storage) still
 * reports: role {@link Role#UNKNOWN} and the verdict that kept it from starting.
 *
 * <p>Thread-safe: it reads thread-safe sources only.
 */
final class StatusReporter implements AutoCloseable {

    /** How long an integrity verdict is reused. */
    static final Duration CHECK_TTL = Duration.ofSeconds(3);

    private final CoordinatorNode node;
    private final ResourceProbe resources;
    private final CachedCheck databaseCheck;
    private final CachedCheck logCheck;
    private final ExecutorService checks;

    StatusReporter(CoordinatorNode node, Clock clock) {
        this.node = Objects.requireNonNull(node, "node");
        this.resources = new ResourceProbe(node.dataDir(), node.options().diskQuota());
        this.checks = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "coordinator-" + node.id() + "-checks");
            t.setDaemon(true);
            return t;
        });
        this.databaseCheck = new CachedCheck(this::checkDatabase, CHECK_TTL, clock, checks);
        this.logCheck = new CachedCheck(this::checkLog, CHECK_TTL, clock, checks);
    }

    /** The verdicts of the checks the node ran on its data as it started, at {@code at}. */
    void seedChecks(IntegrityCheck database, IntegrityCheck log, Instant at) {
        databaseCheck.seed(database, at);
        logCheck.seed(log, at);
    }

    NodeStatus status() {
        NodeStatus.Builder b = NodeStatus.builder()
                .resources(resources.sample())
                .peerReachability(node.reachability().last())
                .electionsPaused(node.electionsPaused())
                .database(databaseCheck.get())
                .log(logCheck.get());
        Optional<RaftServer.Division> division = node.division();
        if (division.isEmpty()) {
            return b.role(Role.UNKNOWN).build();
        }
        RaftServer.Division d = division.get();
        DivisionInfo info = d.getInfo();
        RaftLog log = d.getRaftLog();
        CoordinatorStateMachine sm = node.stateMachine();
        AppliedState applied = sm.applied();
        long commit = log.getLastCommittedIndex();
        RaftPeerId self = d.getId();
        boolean voter = d.getRaftConf().getCurrentPeers(RaftPeerRole.FOLLOWER).stream()
                .anyMatch(p -> p.getId().equals(self));
        boolean listener = d.getRaftConf().getCurrentPeers(RaftPeerRole.LISTENER).stream()
                .anyMatch(p -> p.getId().equals(self));
        // Ratis keeps a running follower demoted to listener in its FOLLOWER role until it restarts; by membership
        // it only learns the log, and that is what the status reports
        Role role = listener && !voter && info.getCurrentRole() == RaftPeerRole.FOLLOWER ? Role.LEARNER
                : role(info.getCurrentRole());
        b.role(role)
                .term(info.getCurrentTerm())
                .leader(Optional.ofNullable(info.getLeaderId()).map(id -> NodeId.of(id.toString())).orElse(null))
                .commitIndex(commit)
                .appliedIndex(applied.index())
                .lastLogIndex(Optional.ofNullable(log.getLastEntryTermIndex()).map(TermIndex::getIndex)
                        .orElse(log.getSnapshotIndex()))
                .stateChecksum(applied.checksum())
                .voter(voter)
                .operations(sm.operations())
                .queueDepth(Math.max(0, commit - applied.index()))
                .electionsStarted(node.electionsStarted());
        return b.build();
    }

    private IntegrityCheck checkDatabase() {
        IntegrityCheck verdict = node.startupDatabaseVerdict().orElseGet(
                () -> DatabaseCheck.check(node.dataDir().databaseFile()));
        Optional<String> halted = node.division().isPresent() ? node.stateMachine().applyFailure() : Optional.empty();
        if (halted.isPresent() && !verdict.failed()) {
            return new IntegrityCheck(verdict.status(), verdict.detail() + "; apply path halted: " + halted.get());
        }
        return verdict;
    }

    private IntegrityCheck checkLog() {
        Optional<IntegrityCheck> startup = node.startupLogVerdict();
        if (startup.isPresent()) {
            return startup.get();
        }
        Optional<RaftServer.Division> division = node.division();
        if (division.isEmpty()) {
            return LogCheck.check(node.dataDir().raftDir(), RatisConfig.MAX_ENTRY_SIZE, LogCheck.OFFLINE);
        }
        long flushed = division.get().getRaftLog().getFlushIndex();
        IntegrityCheck verdict = LogCheck.check(node.dataDir().raftDir(), RatisConfig.MAX_ENTRY_SIZE, flushed);
        if (verdict.failed()) {
            // a segment closed or purged between listing and reading looks like a gap: a real corruption stays
            verdict = LogCheck.check(node.dataDir().raftDir(), RatisConfig.MAX_ENTRY_SIZE, flushed);
        }
        return verdict;
    }

    static Role role(RaftPeerRole role) {
        return switch (role) {
            case LEADER -> Role.LEADER;
            case FOLLOWER -> Role.FOLLOWER;
            case CANDIDATE -> Role.CANDIDATE;
            case LISTENER -> Role.LEARNER;
            default -> Role.UNKNOWN;
        };
    }

    /** Forgets the cached verdicts (after a fault hook or a control action changed the data). */
    void invalidateChecks() {
        databaseCheck.invalidate();
        logCheck.invalidate();
    }

    /** Stops the background checks; a check running is interrupted. */
    @Override
    public void close() {
        checks.shutdownNow();
    }
}
