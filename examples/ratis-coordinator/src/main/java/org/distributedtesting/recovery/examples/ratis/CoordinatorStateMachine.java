package org.distributedtesting.recovery.examples.ratis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.util.LifeCycle;
import org.distributedtesting.recovery.Operation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's Raft state machine: applies {@link Command}s in log order to the node's {@link TaskDatabase}
 * and snapshots it into the {@link SnapshotStore}.
 *
 * <p>The database is durable and says which entry it holds ({@link AppliedState}), so at start the state machine
 * makes the database and the latest snapshot agree: a snapshot newer than the database replaces it, and a database
 * newer than every snapshot is snapshotted. Ratis then starts the log right after that index. That is what lets a
 * database copied from another replica ({@code Restore}) simply be put in place on a stopped node: the node starts
 * at the copy's index and catches up from the leader's log, or from a snapshot when the leader has purged it.
 *
 * <p>The apply path never skips an entry: a database error halts it (retried every
 * {@link #RETRY_INTERVAL}, or at once by {@link #retryApply()}), a gap in the indexes halts it for good, and an
 * interrupted apply stops every later one until the process restarts and replays from the database's index.
 *
 * <p>Thread-safe: the database is used under {@code dbLock}; what the status reads is in atomic references.
 */
final class CoordinatorStateMachine extends BaseStateMachine {

    /** How long a failed apply waits before it is tried again. */
    static final Duration RETRY_INTERVAL = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(CoordinatorStateMachine.class);

    private final DataDir dir;
    private final SnapshotStore snapshots;
    private final FaultHooks faults;
    private final Clock clock;
    private final ReentrantLock dbLock = new ReentrantLock();
    // guarded by dbLock; replaced when a snapshot is installed
    private TaskDatabase db;
    private final AtomicReference<AppliedState> applied = new AtomicReference<>(AppliedState.NONE);
    private final AtomicReference<Operation> inFlight = new AtomicReference<>();
    private final AtomicReference<String> applyFailure = new AtomicReference<>();
    private final Object retrySignal = new Object();
    private volatile boolean stopped;
    private volatile boolean rejectNewWork;

    CoordinatorStateMachine(DataDir dir, FaultHooks faults, Clock clock) {
        this.dir = Objects.requireNonNull(dir, "dir");
        this.snapshots = new SnapshotStore(dir);
        this.faults = Objects.requireNonNull(faults, "faults");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage storage) throws IOException {
        super.initialize(server, groupId, storage);
        snapshots.init(storage);
        getLifeCycle().transition(LifeCycle.State.STARTING);
        dbLock.lock();
        try {
            db = TaskDatabase.open(dir.databaseFile());
            SingleFileSnapshotInfo latest = snapshots.getLatestSnapshot();
            AppliedState state = db.applied();
            if (latest != null && latest.getIndex() > state.index()) {
                installSnapshot(latest);
            } else if (state.index() >= 0 && (latest == null || latest.getIndex() < state.index())) {
                // the log must start after the database's index: a restored copy may be ahead of the local log
                writeSnapshot();
            }
            publishApplied();
        } catch (SQLException e) {
            throw new IOException("cannot open the database " + dir.databaseFile() + ": " + e.getMessage(), e);
        } finally {
            dbLock.unlock();
        }
        getLifeCycle().transition(LifeCycle.State.RUNNING);
        LOG.info("state machine of {} starts at index {}", dir, applied.get().index());
    }

    @Override
    public SnapshotStore getStateMachineStorage() {
        return snapshots;
    }

    @Override
    public void pause() {
        if (getLifeCycleState() == LifeCycle.State.RUNNING) {
            getLifeCycle().transition(LifeCycle.State.PAUSING);
            getLifeCycle().transition(LifeCycle.State.PAUSED);
        }
    }

    /** After the leader installed a snapshot: the database is replaced by it when it is newer. */
    @Override
    public void reinitialize() throws IOException {
        dbLock.lock();
        try {
            snapshots.reload();
            SingleFileSnapshotInfo latest = snapshots.getLatestSnapshot();
            if (latest != null && latest.getIndex() > applied.get().index()) {
                installSnapshot(latest);
                publishApplied();
            }
        } catch (SQLException e) {
            throw new IOException("cannot install the snapshot: " + e.getMessage(), e);
        } finally {
            dbLock.unlock();
        }
        if (getLifeCycleState() == LifeCycle.State.PAUSED) {
            getLifeCycle().transition(LifeCycle.State.STARTING);
            getLifeCycle().transition(LifeCycle.State.RUNNING);
        }
    }

    @Override
    public TransactionContext startTransaction(RaftClientRequest request) throws IOException {
        TransactionContext transaction = super.startTransaction(request);
        try {
            Command command = Command.decode(request.getMessage().getContent().toByteArray());
            if (rejectNewWork && command instanceof Command.SubmitTask) {
                transaction.setException(new IllegalStateException(
                        "rejected: the node is degraded and takes no new tasks"));
            }
        } catch (IllegalArgumentException e) {
            transaction.setException(e);
        }
        return transaction;
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        long index = entry.getIndex();
        long term = entry.getTerm();
        if (index <= applied.get().index()) {
            // entries up to a restored database's index arrive again after a snapshot install: already applied
            return CompletableFuture.completedFuture(Message.valueOf("applied already at " + index));
        }
        Operation op = new Operation("apply-" + index, "apply", clock.instant());
        inFlight.set(op);
        try {
            faults.beforeApply();
            Optional<String> reply = applyInOrder(term, index, db -> {
                try {
                    Command command = Command.decode(entry.getStateMachineLogEntry().getLogData().toByteArray());
                    return db.apply(command, term, index, faults::payloadToStore);
                } catch (IllegalArgumentException e) {
                    // the same bytes on every replica: reject deterministically, and still advance
                    db.advance(term, index);
                    return "rejected: " + e.getMessage();
                }
            });
            return reply.map(r -> CompletableFuture.completedFuture(Message.valueOf(r)))
                    .orElseGet(() -> CompletableFuture.failedFuture(new IllegalStateException(
                            "entry " + index + " not applied: the node is stopping; it replays after a restart")));
        } catch (InterruptedException e) {
            stopped = true;
            Thread.currentThread().interrupt();
            return CompletableFuture.failedFuture(e);
        } finally {
            inFlight.compareAndSet(op, null);
        }
    }

    @Override
    public void notifyTermIndexUpdated(long term, long index) {
        if (index <= applied.get().index()) {
            return;
        }
        try {
            applyInOrder(term, index, db -> {
                db.advance(term, index);
                return "advanced";
            });
        } catch (InterruptedException e) {
            stopped = true;
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Applies one entry, halting (never skipping) on a gap or a database error.
     *
     * @return the reply, or empty when the apply path has stopped and the entry was not applied
     */
    private Optional<String> applyInOrder(long term, long index, DatabaseStep step) throws InterruptedException {
        while (true) {
            if (stopped) {
                return Optional.empty();
            }
            long last = applied.get().index();
            if (index != last + 1) {
                halt("entry " + index + " arrived after entry " + last + ": a gap; restart the node to replay");
                continue;
            }
            dbLock.lock();
            try {
                String reply = step.apply(db);
                applyFailure.set(null);
                publishApplied();
                return Optional.of(reply);
            } catch (SQLException e) {
                LOG.error("apply of entry {} failed; it is retried, never skipped", index, e);
                applyFailure.set("apply of entry " + index + " failed: " + e.getMessage());
            } finally {
                dbLock.unlock();
            }
            waitForRetry();
        }
    }

    private void halt(String why) throws InterruptedException {
        if (!why.equals(applyFailure.getAndSet(why))) {
            LOG.error("apply path halted: {}", why);
        }
        waitForRetry();
    }

    private void waitForRetry() throws InterruptedException {
        synchronized (retrySignal) {
            retrySignal.wait(RETRY_INTERVAL.toMillis());
        }
    }

    /**
     * Ends the apply path for good before the server closes: entries not applied yet are not applied by this
     * process (the database keeps its index, and they replay after a restart), so a halted apply cannot keep the
     * shutdown waiting.
     */
    void stopApplying() {
        stopped = true;
        retryApply();
    }

    /** Wakes a halted apply so that it tries again now. */
    void retryApply() {
        synchronized (retrySignal) {
            retrySignal.notifyAll();
        }
    }

    @Override
    public long takeSnapshot() throws IOException {
        dbLock.lock();
        Operation op = new Operation("snapshot-" + applied.get().index(), "snapshot", clock.instant());
        inFlight.compareAndSet(null, op);
        try {
            if (applied.get().index() < 0) {
                return RaftLog.INVALID_LOG_INDEX;
            }
            return writeSnapshot();
        } catch (SQLException e) {
            throw new IOException("snapshot failed: " + e.getMessage(), e);
        } finally {
            inFlight.compareAndSet(op, null);
            dbLock.unlock();
        }
    }

    // dbLock held
    private long writeSnapshot() throws IOException, SQLException {
        long index = snapshots.write(db, dir.tmpDir());
        LOG.info("snapshot of {} at index {}", dir, index);
        return index;
    }

    // dbLock held: the database becomes a copy of the snapshot
    private void installSnapshot(SingleFileSnapshotInfo snapshot) throws IOException, SQLException {
        Path copy = snapshots.checkedCopy(snapshot, dir.tmpDir());
        db.close();
        Files.createDirectories(dir.databaseDir());
        Files.move(copy, dir.databaseFile(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        db = TaskDatabase.open(dir.databaseFile());
        LOG.info("database of {} replaced by the snapshot at index {}", dir, snapshot.getIndex());
    }

    // dbLock held
    private void publishApplied() {
        AppliedState state = db.applied();
        applied.set(state);
        if (state.index() >= 0) {
            TermIndex termIndex = TermIndex.valueOf(state.term(), state.index());
            if (getLastAppliedTermIndex() == null || getLastAppliedTermIndex().compareTo(termIndex) < 0) {
                setLastAppliedTermIndex(termIndex);
            }
        }
    }

    @Override
    public CompletableFuture<Message> query(Message request) {
        String query = request.getContent().toStringUtf8();
        if (!"summary".equals(query)) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("unknown query '" + query + "'"));
        }
        dbLock.lock();
        try {
            StringBuilder summary = new StringBuilder();
            AppliedState state = applied.get();
            summary.append("applied=").append(state.index()).append(" checksum=").append(state.hash().value());
            for (Map.Entry<String, Long> count : db.counts().entrySet()) {
                summary.append(' ').append(count.getKey()).append('=').append(count.getValue());
            }
            return CompletableFuture.completedFuture(Message.valueOf(summary.toString()));
        } catch (SQLException e) {
            return CompletableFuture.failedFuture(e);
        } finally {
            dbLock.unlock();
        }
    }

    /** Which entry the database holds and its checksum there. */
    AppliedState applied() {
        return applied.get();
    }

    /** The apply or snapshot running now, if any. */
    List<Operation> operations() {
        return Optional.ofNullable(inFlight.get()).map(List::of).orElse(List.of());
    }

    /** Why the apply path is halted, if it is. */
    Optional<String> applyFailure() {
        return Optional.ofNullable(applyFailure.get());
    }

    /** Writes a consistent copy of the database to {@code target}, which must not exist. */
    AppliedState copyDatabase(Path target) throws SQLException {
        dbLock.lock();
        try {
            return db.copyTo(target);
        } finally {
            dbLock.unlock();
        }
    }

    /** Gives back the memory SQLite's caches hold. */
    void shrinkMemory() throws SQLException {
        dbLock.lock();
        try {
            db.shrinkMemory();
        } finally {
            dbLock.unlock();
        }
    }

    /** Makes the leader refuse (or again accept) new tasks: graceful degradation. */
    void rejectNewWork(boolean reject) {
        rejectNewWork = reject;
    }

    boolean rejectsNewWork() {
        return rejectNewWork;
    }

    @Override
    public void close() throws IOException {
        dbLock.lock();
        try {
            if (db != null) {
                db.close();
            }
        } catch (SQLException e) {
            throw new IOException("closing the database failed: " + e.getMessage(), e);
        } finally {
            dbLock.unlock();
        }
    }

    /** One database step of the apply path. */
    @FunctionalInterface
    private interface DatabaseStep {
        String apply(TaskDatabase db) throws SQLException;
    }
}
