package org.distributedtesting.recovery.core.journal;

import java.util.ArrayList;
import java.util.List;
import org.distributedtesting.recovery.JournalRecord;

/**
 * A journal that keeps records in memory only: for tests, dry runs and the simulated cluster. Nothing survives
 * the process; {@link #saveRecoveryLog()} does nothing.
 *
 * <p>Thread-safe: one lock guards the list.
 */
public final class InMemoryJournal implements RecoveryJournal {

    private final List<JournalRecord> records = new ArrayList<>(); // guarded by this

    @Override
    public synchronized void append(JournalRecord record) {
        records.add(record);
    }

    @Override
    public synchronized List<JournalRecord> records() {
        return List.copyOf(records);
    }

    /** Records with the given action name, oldest first. */
    public synchronized List<JournalRecord> records(String action) {
        return records.stream().filter(r -> r.action().equals(action)).toList();
    }

    @Override
    public void saveRecoveryLog() {
        // in memory by design: there is no file to write
    }

    @Override
    public void close() {
        // nothing held
    }
}
