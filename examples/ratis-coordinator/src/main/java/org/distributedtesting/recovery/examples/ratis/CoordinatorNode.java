package org.distributedtesting.recovery.examples.ratis;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.distributedtesting.recovery.IntegrityCheck;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.core.http.server.NodeProtocolServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One coordinator node: an Apache Ratis server (gRPC, 127.0.0.1) whose state machine keeps the registry of test
 * tasks and workers in SQLite, in its own data directory, serving the node protocol through core's
 * {@link NodeProtocolServer}. Its host-side control is {@link #control()}.
 *
 * <p>Start-up order: take the data directory's lock, serve the protocol, check the database and the log, and only
 * when both pass start Ratis. A node whose data fails a check (or whose log Ratis refuses) keeps serving its status
 * with the failed verdict and role UNKNOWN, so that the recovery daemon can see why it is not in the cluster and
 * repair its data while it is stopped ({@link LocalDataDirControl}); it never applies entries on data it knows is
 * corrupt.
 *
 * <p>Run it as {@code java ... CoordinatorNode --id node-1 --data-dir DIR --raft-port 9001 --http-port 8001
 * --peers node-1=127.0.0.1:9001,node-2=127.0.0.1:9002,node-3=127.0.0.1:9003}, see {@link NodeOptions}.
 *
 * <p>Thread-safe. {@link #close()} stops Ratis, the protocol server and the node's threads, and releases the lock.
 */
public final class CoordinatorNode implements AutoCloseable {

    /** The exit code of a node started with {@code --exit-on-damaged-storage} whose data fails its check. */
    public static final int EXIT_DAMAGED_STORAGE = 3;

    private static final Logger LOG = LoggerFactory.getLogger(CoordinatorNode.class);

    private final NodeOptions options;
    private final DataDir dataDir;
    private final NodeId id;
    private final Clock clock;
    private final FaultHooks faults;
    private final NodeLock lock;
    private final PeerReachability reachability;
    private final CampaignCounter campaigns = new CampaignCounter();
    private final ScheduledExecutorService scheduler;
    private final AtomicBoolean electionsPaused = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final StatusReporter reporter;
    private final CoordinatorNodeControl control;
    private final NodeProtocolServer protocol;
    private volatile CoordinatorStateMachine stateMachine;
    private volatile RaftServer server;
    private volatile IntegrityCheck startupDatabaseVerdict;
    private volatile IntegrityCheck startupLogVerdict;

    private CoordinatorNode(NodeOptions options, Clock clock, Runnable onStop) throws IOException {
        this.options = options;
        this.dataDir = new DataDir(options.dataDir());
        this.id = NodeId.of(options.id());
        this.clock = clock;
        this.faults = FaultHooks.of(options.faultHooks());
        dataDir.createDirectories();
        this.lock = NodeLock.tryLock(dataDir).orElseThrow(() -> new IllegalStateException("the data directory "
                + dataDir + " is in use by another node or by a repair; stop it first"));
        this.reachability = new PeerReachability(options.peers(), options.id());
        // two threads: a peer that swallows connects holds the reachability refresh up while campaigns are sampled
        this.scheduler = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "coordinator-" + options.id() + "-status");
            t.setDaemon(true);
            return t;
        });
        this.reporter = new StatusReporter(this, clock);
        this.control = new CoordinatorNodeControl(this, onStop);
        try {
            // fenced durably: a restarted node still refuses a recovery daemon that lost its lease
            NodeProtocolServer.Builder server = NodeProtocolServer.builder(id, reporter::status)
                    .port(options.httpPort())
                    .fencingFile(dataDir.fencingFile());
            // control endpoints only with a token: without --token-file the node is watched, never driven
            controlToken().ifPresent(token -> server.control(control).token(token)
                    .databaseCopy(this::openDatabaseCopy));
            this.protocol = server.start();
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
        scheduler.scheduleWithFixedDelay(reachability::refresh, 0, 1, TimeUnit.SECONDS);
        scheduler.scheduleWithFixedDelay(() -> campaigns.sample(division()), 0, CampaignCounter.PERIOD_MS,
                TimeUnit.MILLISECONDS);
    }

    /**
     * Starts a node in this JVM: the protocol server, the checks, and Ratis when they pass.
     *
     * @param onStop what {@code Action.Stop} does after the node closed (the main ends the process)
     * @throws IOException if the protocol port cannot be bound or the data directory not created
     * @throws IllegalStateException if another node or a repair holds the data directory
     */
    public static CoordinatorNode start(NodeOptions options, Clock clock, Runnable onStop) throws IOException {
        CoordinatorNode node = new CoordinatorNode(options, clock, onStop);
        node.startRaft();
        return node;
    }

    private void startRaft() {
        IntegrityCheck db = DatabaseCheck.check(dataDir.databaseFile());
        LogCheck.Report report = LogCheck.scan(dataDir.raftDir(), RatisConfig.MAX_ENTRY_SIZE, LogCheck.OFFLINE);
        IntegrityCheck log = report.verdict();
        // the first status answers carry these verdicts rather than check the data again while the node starts
        reporter.seedChecks(db, log, clock.instant());
        if (db.failed() || log.failed()) {
            startupDatabaseVerdict = db.failed() ? db : null;
            startupLogVerdict = log.failed() ? log : null;
            LOG.error("'{}' does not start Raft: database {}, log {}", id, db.detail(), log.detail());
            return;
        }
        CoordinatorStateMachine sm = new CoordinatorStateMachine(dataDir, faults, clock);
        RaftServer raft = null;
        try {
            setAsideSupersededLog(report.lastIndex());
            raft = RaftServer.newBuilder()
                    .setServerId(self().raftId())
                    .setGroup(RatisConfig.group(options.peers()))
                    .setProperties(RatisConfig.server(options, dataDir))
                    .setStateMachine(sm)
                    .setOption(RaftStorage.StartupOption.RECOVER)
                    .build();
            raft.start();
            stateMachine = sm;
            server = raft;
            LOG.info("'{}' runs Raft on {} and applies from index {}", id, self().address(), sm.applied().index());
        } catch (IOException | RuntimeException e) {
            startupLogVerdict = IntegrityCheck.failed("the Raft server failed to start on its storage: "
                    + e.getMessage());
            reporter.invalidateChecks();
            LOG.error("'{}' failed to start Raft", id, e);
            closeQuietly(raft);
        }
    }

    /**
     * A database restored from a replica can hold more than the local log: every local entry is then already in
     * the state. Ratis would start the log after the state's index, but cannot purge an open segment that ends
     * before it, and the node would never accept the leader's entries. Such segments are moved to the backups;
     * Ratis' term, vote and configuration stay, and the leader sends what follows the state.
     */
    private void setAsideSupersededLog(long lastLogIndex) throws IOException {
        if (lastLogIndex < 0) {
            return;
        }
        long stateIndex;
        try (TaskDatabase db = TaskDatabase.open(dataDir.databaseFile())) {
            stateIndex = db.applied().index();
        } catch (SQLException e) {
            throw new IOException("cannot read the database's index: " + e.getMessage(), e);
        }
        SnapshotStore snapshots = new SnapshotStore(dataDir);
        snapshots.reload();
        if (snapshots.getLatestSnapshot() != null) {
            stateIndex = Math.max(stateIndex, snapshots.getLatestSnapshot().getIndex());
        }
        if (lastLogIndex < stateIndex) {
            Path moved = dataDir.moveSegmentsAside(LogCheck.segmentFiles(dataDir.raftDir()), clock);
            LOG.info("'{}': its log ends at {} but its state holds index {}: segments moved to {}", id, lastLogIndex,
                    stateIndex, moved);
        }
    }

    private void closeQuietly(RaftServer raft) {
        if (raft == null) {
            return;
        }
        try {
            raft.close();
        } catch (IOException | RuntimeException e) {
            LOG.warn("closing the Raft server of '{}' failed", id, e);
        }
    }

    /**
     * Runs a node until the process is stopped or the node is told to stop: exit code 2 for a bad command line or an
     * unreadable token file, 1 when the data directory is in use, {@value #EXIT_DAMAGED_STORAGE} with
     * {@code --exit-on-damaged-storage} when the database or the log fails its check at start.
     */
    public static void main(String[] args) throws IOException, InterruptedException {
        NodeOptions options;
        try {
            options = NodeOptions.parse(args);
            if (options.tokenFile().isPresent() && Files.readString(options.tokenFile().get()).isBlank()) {
                throw new IllegalArgumentException("the token file " + options.tokenFile().get() + " is empty");
            }
        } catch (IllegalArgumentException | IOException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        CoordinatorNode node;
        try {
            node = start(options, Clock.systemUTC(), stopped::countDown);
        } catch (IllegalStateException e) {
            System.err.println("cannot start '" + options.id() + "': " + e.getMessage());
            System.exit(1);
            return;
        }
        Optional<IntegrityCheck> damage = node.startupLogVerdict().or(node::startupDatabaseVerdict);
        if (options.exitOnDamagedStorage() && damage.isPresent()) {
            System.err.println("'" + options.id() + "' does not start on damaged storage: database "
                    + node.startupDatabaseVerdict().map(IntegrityCheck::detail).orElse("ok") + "; log "
                    + node.startupLogVerdict().map(IntegrityCheck::detail).orElse("ok"));
            node.close();
            System.exit(EXIT_DAMAGED_STORAGE);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(node::close, "coordinator-shutdown"));
        System.out.println("READY " + options.id() + " http=" + node.httpPort() + " raft=" + options.raftPort()
                + " raft_running=" + node.raftRunning());
        stopped.await();
        System.exit(0);
    }

    /** The node's status, as the node protocol serves it. */
    public NodeStatus status() {
        return reporter.status();
    }

    /** The host-side control of this node, for the node protocol's control endpoints. */
    public CoordinatorNodeControl control() {
        return control;
    }

    /** The control endpoints' bearer token, read from {@code --token-file} on every call; empty without one. */
    public Optional<Supplier<String>> controlToken() {
        return options.tokenFile().map(file -> () -> {
            try {
                return Files.readString(file).strip();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the token file " + file, e);
            }
        });
    }

    /**
     * A consistent copy of the database ({@code VACUUM INTO} a temporary file) as a stream, for the protocol's
     * {@code database_copy}; the file is deleted when the stream is closed.
     *
     * @throws IllegalStateException if Raft is not running (the database is not known to be sound)
     */
    public InputStream openDatabaseCopy() {
        CoordinatorStateMachine sm = stateMachine;
        if (sm == null) {
            throw new IllegalStateException("'" + id + "' serves no database copy: its Raft server is not running");
        }
        try {
            Path copy = dataDir.tmpDir().resolve("copy-" + System.nanoTime() + ".db");
            sm.copyDatabase(copy);
            return new FileInputStream(copy.toFile()) {
                @Override
                public void close() throws IOException {
                    try {
                        super.close();
                    } finally {
                        Files.deleteIfExists(copy);
                    }
                }
            };
        } catch (SQLException e) {
            throw new IllegalStateException("database copy failed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The protocol server's port. */
    public int httpPort() {
        return protocol.port();
    }

    /** Whether the Raft server runs (false when a check or Ratis kept it from starting). */
    public boolean raftRunning() {
        return server != null;
    }

    NodeId id() {
        return id;
    }

    NodeOptions options() {
        return options;
    }

    DataDir dataDir() {
        return dataDir;
    }

    Clock clock() {
        return clock;
    }

    FaultHooks faults() {
        return faults;
    }

    /** The elections this node started since it started. */
    long electionsStarted() {
        return campaigns.started();
    }

    PeerReachability reachability() {
        return reachability;
    }

    StatusReporter reporter() {
        return reporter;
    }

    Peer self() {
        return options.peers().stream().filter(p -> p.id().equals(options.id())).findFirst().orElseThrow();
    }

    Optional<RaftServer.Division> division() {
        RaftServer raft = server;
        if (raft == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(raft.getDivision(RatisConfig.GROUP_ID));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    CoordinatorStateMachine stateMachine() {
        return stateMachine;
    }

    Optional<IntegrityCheck> startupDatabaseVerdict() {
        return Optional.ofNullable(startupDatabaseVerdict);
    }

    Optional<IntegrityCheck> startupLogVerdict() {
        return Optional.ofNullable(startupLogVerdict);
    }

    boolean electionsPaused() {
        return electionsPaused.get();
    }

    void electionsPaused(boolean paused) {
        electionsPaused.set(paused);
    }

    /** A fresh client of the group (a client does not survive a peer's restart well). */
    RaftClient newClient(Duration retryFor) {
        return RatisConfig.newClient(options.peers(), RatisConfig.retryFor(retryFor));
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        // Ratis' shutdown waits for the apply thread: a hung, slowed or halted apply must end first
        faults.release();
        CoordinatorStateMachine sm = stateMachine;
        if (sm != null) {
            sm.stopApplying();
        }
        closeQuietly(server);
        protocol.close();
        reporter.close();
        scheduler.shutdownNow();
        try {
            lock.close();
        } catch (IOException e) {
            LOG.warn("releasing the lock of '{}' failed", id, e);
        }
        LOG.info("'{}' stopped", id);
    }
}
