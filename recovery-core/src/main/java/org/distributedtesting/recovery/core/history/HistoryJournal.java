package org.distributedtesting.recovery.core.history;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.distributedtesting.recovery.JournalRecord;
import org.distributedtesting.recovery.core.journal.RecoveryJournal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A journal that also indexes each record in a {@link HistoryDatabase}, after the durable journal has it. The durable
 * journal is written first, on the caller's thread, and stays the record: an append it acknowledges is acknowledged,
 * whatever the database does. The database is written off that thread, by one thread this journal owns (a DuckDB
 * commit forces its log to disk, about 10 ms, which a cycle need not wait for), in the order of the appends. It is
 * caught up from the durable journal when this opens, so records it missed (the process died between the two writes,
 * or the database was deleted) are filled in; a database that fails is logged at WARN once, reopened and caught up
 * at the next record, and never fails an append. So is a full queue ({@value #QUEUE_CAPACITY} records behind).
 *
 * <p>Thread-safe: one lock orders the appends; the database and what is known of it are confined to the indexing
 * thread, except {@code upToDate}, which it publishes.
 */
public final class HistoryJournal implements RecoveryJournal {

    /** How many records may wait for the database; past that they are left to a catch-up from the journal. */
    static final int QUEUE_CAPACITY = 10_000;

    /** How long {@link #close()} waits for the records still queued to reach the database. */
    static final Duration CLOSE_WAIT = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(HistoryJournal.class);

    private final RecoveryJournal durable;
    private final Supplier<HistoryDatabase> opener;
    private final String name;
    private final Object lock = new Object();
    private final ThreadPoolExecutor indexer;
    private final AtomicBoolean missed = new AtomicBoolean(); // a record was not queued: catch up
    private long appended; // guarded by lock: the records in the durable journal
    private HistoryDatabase database; // indexing thread only; null until opened, and after a failure
    private boolean behind = true; // indexing thread only: the database may lack records the journal has
    private boolean warned; // indexing thread only: the current failure was logged
    private volatile boolean upToDate; // written by the indexing thread

    HistoryJournal(RecoveryJournal durable, Supplier<HistoryDatabase> opener, String name) {
        this.durable = Objects.requireNonNull(durable, "durable");
        this.opener = Objects.requireNonNull(opener, "opener");
        this.name = Objects.requireNonNull(name, "name");
        this.appended = durable.records().size();
        this.indexer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(QUEUE_CAPACITY), r -> {
                    Thread thread = new Thread(r, "recovery-history");
                    thread.setDaemon(true);
                    return thread;
                });
        queue(() -> index(0, null));
    }

    /**
     * Wraps {@code durable} so that its records also go into the DuckDB file {@code database}, and starts catching
     * the database up with it. A database that cannot be opened or written is logged at WARN and tried again at the
     * next append; this never fails because of it.
     *
     * @param durable  the journal written first; closed when this is closed
     * @param database the DuckDB file, created if missing
     */
    public static HistoryJournal open(RecoveryJournal durable, Path database) {
        Objects.requireNonNull(database, "database");
        return new HistoryJournal(durable, () -> HistoryDatabase.open(database), database.toString());
    }

    /**
     * {@inheritDoc}
     *
     * <p>Durable in the wrapped journal first; then queued for the database, whose failure is logged, not thrown.
     */
    @Override
    public void append(JournalRecord record) {
        synchronized (lock) {
            durable.append(record);
            long seq = ++appended;
            queue(() -> index(seq, record));
        }
    }

    /**
     * Waits until every record appended so far has been indexed or has failed to be.
     *
     * @return whether that happened within {@code timeout}
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean flush(Duration timeout) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        try {
            indexer.execute(done::countDown);
        } catch (RejectedExecutionException e) {
            return indexer.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Whether the database held every record of the journal after the last record indexed. */
    public boolean upToDate() {
        return upToDate;
    }

    private void queue(Runnable task) {
        try {
            indexer.execute(task);
        } catch (RejectedExecutionException e) {
            // queue full, or closed: the record is durable, and a catch-up from the journal brings it in
            missed.set(true);
        }
    }

    /** Indexes {@code record}, the journal's {@code seq}th, or catches up with the whole journal; never throws. */
    private void index(long seq, JournalRecord record) {
        try {
            if (database == null) {
                database = opener.get();
            }
            if (behind || missed.getAndSet(false) || record == null) {
                List<JournalRecord> journal = durable.records();
                int added = database.catchUp(journal);
                if (added > 0 || record == null) {
                    LOG.info("History database {} caught up with the journal: {} records, {} added", name,
                            journal.size(), added);
                }
                behind = false;
            } else {
                database.insert(seq, record);
            }
            upToDate = true;
            if (warned) {
                LOG.info("History database {} works again", name);
                warned = false;
            }
        } catch (RuntimeException e) {
            behind = true;
            upToDate = false;
            if (!warned) {
                LOG.warn("History database {} failed; the journal has every record, and the database will be caught up"
                        + " from it at the next record or start: {}", name, e.getMessage());
                warned = true;
            }
            closeDatabase();
        }
    }

    private void closeDatabase() {
        if (database != null) {
            try {
                database.close();
            } catch (RuntimeException e) {
                LOG.warn("History database {} did not close cleanly; it is caught up at the next start: {}", name,
                        e.getMessage());
            }
            database = null;
        }
    }

    @Override
    public List<JournalRecord> records() {
        return durable.records();
    }

    @Override
    public void saveRecoveryLog() throws IOException {
        durable.saveRecoveryLog();
    }

    /**
     * Closes the durable journal, then lets the records still queued reach the database (waiting up to
     * {@link #CLOSE_WAIT}) and closes it. Records that did not make it are caught up at the next start.
     */
    @Override
    public void close() {
        synchronized (lock) {
            try {
                durable.close();
            } finally {
                indexer.shutdown();
                try {
                    if (indexer.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                        closeDatabase(); // the indexing thread has ended: the database is this thread's now
                    } else {
                        LOG.warn("History database {} is still being written after {} s; left to the next start",
                                name, CLOSE_WAIT.toSeconds());
                        indexer.shutdownNow();
                    }
                } catch (InterruptedException e) {
                    indexer.shutdownNow();
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    @Override
    public String toString() {
        return "HistoryJournal[" + durable + ", " + name + "]";
    }
}
