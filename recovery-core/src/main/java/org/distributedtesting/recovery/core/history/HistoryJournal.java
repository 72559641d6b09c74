package org.distributedtesting.recovery.core.history;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.distributedtesting.recovery.JournalRecord;
import org.distributedtesting.recovery.core.journal.RecoveryJournal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A journal that also indexes each record in a {@link HistoryDatabase}, after the durable journal has it. The durable
 * journal is written first and stays the record: an append it acknowledges is acknowledged, whatever the database
 * does. The database is caught up from the durable journal when this opens, so records it missed (the process died
 * between the two writes, or the database was deleted) are filled in; a database that fails is logged at WARN once,
 * reopened and caught up at the next append, and never fails an append.
 *
 * <p>Thread-safe: one lock orders the appends and guards the database.
 */
public final class HistoryJournal implements RecoveryJournal {

    private static final Logger LOG = LoggerFactory.getLogger(HistoryJournal.class);

    private final RecoveryJournal durable;
    private final Supplier<HistoryDatabase> opener;
    private final String name;
    private final Object lock = new Object();
    private HistoryDatabase database; // guarded by lock; null until opened, and after a failure
    private long appended; // guarded by lock: the records in the durable journal
    private boolean behind = true; // guarded by lock: the database may lack records the journal has
    private boolean warned; // guarded by lock: the current failure was logged

    HistoryJournal(RecoveryJournal durable, Supplier<HistoryDatabase> opener, String name) {
        this.durable = Objects.requireNonNull(durable, "durable");
        this.opener = Objects.requireNonNull(opener, "opener");
        this.name = Objects.requireNonNull(name, "name");
        this.appended = durable.records().size();
    }

    /**
     * Wraps {@code durable} so that its records also go into the DuckDB file {@code database}, and catches the
     * database up with it now. A database that cannot be opened or written is logged at WARN and tried again at the
     * next append; this never fails because of it.
     *
     * @param durable  the journal written first; closed when this is closed
     * @param database the DuckDB file, created if missing
     */
    public static HistoryJournal open(RecoveryJournal durable, Path database) {
        Objects.requireNonNull(database, "database");
        HistoryJournal journal = new HistoryJournal(durable, () -> HistoryDatabase.open(database),
                database.toString());
        synchronized (journal.lock) {
            journal.index(null);
        }
        return journal;
    }

    /** Whether the database holds every record of the journal, as far as this knows. */
    public boolean upToDate() {
        synchronized (lock) {
            return !behind;
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Durable in the wrapped journal first; then indexed in the database, whose failure is logged, not thrown.
     */
    @Override
    public void append(JournalRecord record) {
        synchronized (lock) {
            durable.append(record);
            appended++;
            index(record);
        }
    }

    /** Indexes {@code record}, the journal's last, or catches up with the whole journal; never throws. */
    private void index(JournalRecord record) {
        try {
            if (database == null) {
                database = opener.get();
            }
            if (behind || record == null) {
                int added = database.catchUp(durable.records());
                if (added > 0) {
                    LOG.info("History database {} caught up with the journal: {} records added", name, added);
                }
                behind = false;
            } else {
                database.insert(appended, record);
            }
            if (warned) {
                LOG.info("History database {} works again", name);
                warned = false;
            }
        } catch (RuntimeException e) {
            behind = true;
            if (!warned) {
                LOG.warn("History database {} failed; the journal has every record, and the database will be caught up"
                        + " from it at the next record or start: {}", name, e.getMessage());
                warned = true;
            }
            closeQuietly();
        }
    }

    private void closeQuietly() {
        if (database != null) {
            try {
                database.close();
            } catch (RuntimeException e) {
                LOG.debug("closing history database {} after a failure failed too", name, e);
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

    /** Closes the durable journal, then the database (a failure to close it is logged). */
    @Override
    public void close() {
        synchronized (lock) {
            try {
                durable.close();
            } finally {
                if (database != null) {
                    try {
                        database.close();
                    } catch (RuntimeException e) {
                        LOG.warn("History database {} did not close cleanly; it is caught up at the next start: {}",
                                name, e.getMessage());
                    }
                    database = null;
                }
            }
        }
    }

    @Override
    public String toString() {
        return "HistoryJournal[" + durable + ", " + name + "]";
    }
}
