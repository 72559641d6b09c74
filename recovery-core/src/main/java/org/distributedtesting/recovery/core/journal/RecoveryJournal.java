package org.distributedtesting.recovery.core.journal;

import java.io.IOException;
import java.util.List;
import org.distributedtesting.recovery.JournalRecord;

/**
 * The audit record of every recovery action. {@link #append} is durable: when it returns, the record survives a
 * crash of this process (the file implementation forces it to disk).
 *
 * <p>Implementations must be thread-safe.
 */
public interface RecoveryJournal extends AutoCloseable {

    /**
     * Appends one record durably.
     *
     * @throws java.io.UncheckedIOException if the record could not be made durable
     */
    void append(JournalRecord record);

    /** Every record appended so far (including those found in the file when it was opened), oldest first. */
    List<JournalRecord> records();

    /**
     * Writes every record, as the seed's JSON array, to the journal's recovery-log file, atomically (a reader
     * sees the old file or the new one, never a part).
     *
     * @throws IOException if the file could not be written
     */
    void saveRecoveryLog() throws IOException;

    /** Flushes and releases the journal's file. */
    @Override
    void close();
}
