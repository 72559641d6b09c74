package org.distributedtesting.recovery.core.journal;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.distributedtesting.recovery.JournalRecord;
import org.distributedtesting.recovery.RecoveryException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable journal: one JSON line per record in {@value #JOURNAL_FILE_NAME}, forced to disk before
 * {@link #append} returns, so an acknowledged record survives a crash of this process or of the machine.
 *
 * <p>Opening a journal reads the records already in the file. A crash during an append can leave a torn last
 * line; {@link #open} copies it to {@code recovery-journal.jsonl.torn-<time>} next to the journal and cuts it
 * off, so the journal always parses and nothing is deleted. A bad line anywhere else is not the work of a crash:
 * {@link #open} then fails with a {@link JournalCorruptedException} and leaves the file alone.
 *
 * <p>Records read back as JSON gives them: detail values become strings, {@code Long}s (or {@code BigInteger}s
 * when larger), {@code Double}s, booleans, nulls, lists and {@code LinkedHashMap}s, in insertion order
 * ({@link #records()} already returns this form). An open journal holds an exclusive lock on
 * {@value #LOCK_FILE_NAME}, so two journals, in one process or two, never interleave their lines.
 *
 * <p>Thread-safe: one lock orders appends, saves and close. The file channel is interruptible: a thread
 * interrupted inside {@link #append} closes it, and every later append fails until the journal is reopened.
 */
public final class FileRecoveryJournal implements RecoveryJournal {

    /** The journal's file name inside the recovery directory. */
    public static final String JOURNAL_FILE_NAME = "recovery-journal.jsonl";

    /**
     * The file an open journal holds an exclusive lock on, inside the recovery directory. A file of its own,
     * because closing any channel of a locked file can drop the process's lock on it.
     */
    public static final String LOCK_FILE_NAME = "recovery-journal.jsonl.lock";

    /** The file name {@link #saveRecoveryLog()} writes inside the recovery directory. */
    public static final String RECOVERY_LOG_FILE_NAME = "recovery_log.json";

    private static final Logger log = LoggerFactory.getLogger(FileRecoveryJournal.class);

    // real paths of the journal files open in this process: a file lock only keeps other processes out
    private static final Set<Path> OPEN_JOURNALS = ConcurrentHashMap.newKeySet();

    private final Object lock = new Object();
    private final Path journalFile;
    private final Path recoveryLogFile;
    private final Path openKey;
    private final FileChannel lockChannel; // holds the file lock until close
    private final FileChannel channel; // guarded by lock
    private final List<JournalRecord> records; // guarded by lock
    private boolean closed; // guarded by lock
    private IOException failure; // guarded by lock: an append that failed and could not be undone

    private FileRecoveryJournal(Path journalFile, Path recoveryLogFile, Path openKey, FileChannel lockChannel,
                                FileChannel channel, List<JournalRecord> records) {
        this.journalFile = journalFile;
        this.recoveryLogFile = recoveryLogFile;
        this.openKey = openKey;
        this.lockChannel = lockChannel;
        this.channel = channel;
        this.records = new ArrayList<>(records);
    }

    /**
     * Opens (creating it if needed) the journal in {@code recoveryDir}, reads its records and sets a torn last
     * line aside.
     *
     * @throws NullPointerException      if {@code recoveryDir} is null
     * @throws JournalCorruptedException if a line other than the last is not a record
     * @throws RecoveryException         if another journal has the file open
     * @throws UncheckedIOException      if the directory or file cannot be created, read or repaired
     */
    public static FileRecoveryJournal open(Path recoveryDir) {
        Objects.requireNonNull(recoveryDir, "recoveryDir");
        Path file = recoveryDir.resolve(JOURNAL_FILE_NAME);
        Path openKey;
        try {
            Files.createDirectories(recoveryDir);
            openKey = recoveryDir.toRealPath().resolve(JOURNAL_FILE_NAME);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create recovery directory " + recoveryDir + ": " + e, e);
        }
        if (!OPEN_JOURNALS.add(openKey)) {
            throw new RecoveryException("recovery journal " + file + " is already open in this process; "
                    + "close that journal before opening it again");
        }
        FileChannel lockChannel = null;
        FileChannel channel = null;
        try {
            lockChannel = lockExclusively(recoveryDir.resolve(LOCK_FILE_NAME), file);
            channel = FileChannel.open(file, CREATE, READ, WRITE);
            // a newly created journal must not vanish with its directory entry
            JournalFiles.forceDirectory(JournalFiles.directoryOf(file));
            JournalFiles.Scan scan = JournalFiles.scan(channel, file);
            if (scan.isTorn()) {
                Path torn = JournalFiles.moveTornTailAside(channel, file, scan, Instant.now());
                log.warn("Recovery journal '{}' ended in a torn line {} ({} bytes, left by a crash during an "
                        + "append); moved it to '{}'", file, scan.tornLine(), scan.size() - scan.validLength(),
                        torn);
            }
            channel.position(scan.validLength());
            log.debug("Opened recovery journal '{}' with {} records", file, scan.records().size());
            return new FileRecoveryJournal(file, recoveryDir.resolve(RECOVERY_LOG_FILE_NAME), openKey, lockChannel,
                    channel, scan.records());
        } catch (IOException e) {
            releaseAfterFailure(openKey, lockChannel, channel, e);
            throw new UncheckedIOException("cannot open recovery journal " + file + ": " + e, e);
        } catch (RuntimeException e) {
            releaseAfterFailure(openKey, lockChannel, channel, e);
            throw e;
        }
    }

    /**
     * Reads the records of a journal file without opening it for writing. A torn last line is skipped (and left
     * in the file).
     *
     * @param journalFile a journal file, normally {@code <recoveryDir>/recovery-journal.jsonl}
     * @return its records, oldest first; an immutable list
     * @throws JournalCorruptedException if a line other than the last is not a record
     * @throws UncheckedIOException      if the file cannot be read
     */
    public static List<JournalRecord> read(Path journalFile) {
        Objects.requireNonNull(journalFile, "journalFile");
        try (FileChannel channel = FileChannel.open(journalFile, READ)) {
            return JournalFiles.scan(channel, journalFile).records();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read recovery journal " + journalFile + ": " + e, e);
        }
    }

    /**
     * The line this journal writes for {@code record}, without its newline: compact JSON, details in their order.
     * A record read back from a journal gives the same line again, so the line identifies a record wherever it was
     * made (the history database keys its content hash on it).
     *
     * @throws NullPointerException     if {@code record} is null
     * @throws IllegalArgumentException if two keys of one details map have the same text
     */
    public static String line(JournalRecord record) {
        Objects.requireNonNull(record, "record");
        byte[] line = JournalCodec.encode(record).line();
        return new String(line, 0, line.length - 1, java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * {@inheritDoc}
     *
     * <p>The record's line is written with one write loop and forced to disk before this returns.
     *
     * @throws NullPointerException     if {@code record} is null
     * @throws IllegalArgumentException if two keys of one details map have the same text
     * @throws IllegalStateException    if the journal is closed
     */
    @Override
    public void append(JournalRecord record) {
        Objects.requireNonNull(record, "record");
        JournalCodec.Encoded encoded = JournalCodec.encode(record);
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("journal is closed");
            }
            if (failure != null) {
                throw new UncheckedIOException("recovery journal " + journalFile + " could not undo an earlier "
                        + "failed append and takes no more records; reopen it", failure);
            }
            long start = -1;
            try {
                start = channel.position();
                JournalFiles.writeFully(channel, ByteBuffer.wrap(encoded.line()));
                channel.force(false);
            } catch (IOException e) {
                undoPartialAppend(start, e);
                throw new UncheckedIOException("could not append '" + record.action() + "' to recovery journal "
                        + journalFile + ": " + e, e);
            }
            records.add(encoded.canonical());
        }
    }

    @Override
    public List<JournalRecord> records() {
        synchronized (lock) {
            return List.copyOf(records);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Writes {@value #RECOVERY_LOG_FILE_NAME} next to the journal; works after {@link #close()} too.
     */
    @Override
    public void saveRecoveryLog() throws IOException {
        synchronized (lock) {
            JournalFiles.replaceAtomically(recoveryLogFile, JournalCodec.prettyArray(records));
        }
        log.debug("Saved recovery log '{}'", recoveryLogFile);
    }

    /**
     * Forces and closes the file. Closing twice does nothing.
     *
     * @throws UncheckedIOException if the file could not be forced or closed
     */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            // closes the journal, then the lock file, and only then lets this process open the journal again
            try (lockChannel; channel) {
                if (failure == null && channel.isOpen()) {
                    channel.force(false);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("could not close recovery journal " + journalFile + ": " + e, e);
            } finally {
                OPEN_JOURNALS.remove(openKey);
            }
        }
    }

    @Override
    public String toString() {
        return "FileRecoveryJournal[" + journalFile + "]";
    }

    private static FileChannel lockExclusively(Path lockFile, Path journalFile) throws IOException {
        FileChannel lockChannel = FileChannel.open(lockFile, CREATE, WRITE);
        try {
            if (lockChannel.tryLock() == null) {
                throw new RecoveryException("recovery journal " + journalFile + " is open in another process; "
                        + "stop that process or use another recovery directory");
            }
            // the lock lives as long as the channel: closing the journal, or the process dying, releases it
            return lockChannel;
        } catch (IOException | RuntimeException e) {
            releaseAfterFailure(null, lockChannel, null, e);
            throw e;
        }
    }

    // a partial line followed by the next record would make a corrupt middle line: cut the file back
    private void undoPartialAppend(long start, IOException failed) {
        if (start < 0) {
            failure = failed;
            return;
        }
        try {
            channel.truncate(start);
            channel.position(start);
        } catch (IOException undo) {
            failed.addSuppressed(undo);
            failure = failed;
        }
    }

    private static void releaseAfterFailure(Path openKey, FileChannel lockChannel, FileChannel channel,
                                            Exception failed) {
        for (FileChannel open : new FileChannel[] {channel, lockChannel}) {
            if (open != null) {
                try {
                    open.close();
                } catch (IOException e) {
                    failed.addSuppressed(e);
                }
            }
        }
        if (openKey != null) {
            OPEN_JOURNALS.remove(openKey);
        }
    }
}
