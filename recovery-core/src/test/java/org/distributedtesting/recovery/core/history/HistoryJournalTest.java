package org.distributedtesting.recovery.core.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.distributedtesting.recovery.JournalRecord;
import org.distributedtesting.recovery.core.journal.FileRecoveryJournal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal is written first; the database follows, catches up, and never fails an append. */
class HistoryJournalTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private Path database() {
        return dir.resolve("recovery.duckdb");
    }

    private List<JournalRecord> journalFile() {
        return FileRecoveryJournal.read(dir.resolve(FileRecoveryJournal.JOURNAL_FILE_NAME));
    }

    /** The hashes of the database's records, by position. */
    private static List<String> hashes(HistoryDatabase db) {
        return db.read(c -> {
            List<String> hashes = new ArrayList<>();
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT seq, hash FROM records ORDER BY seq")) {
                while (rs.next()) {
                    assertThat(rs.getLong(1)).isEqualTo(hashes.size() + 1L);
                    hashes.add(rs.getString(2));
                }
            }
            return hashes;
        });
    }

    private void assertDatabaseHoldsTheJournal() {
        List<JournalRecord> journal = journalFile();
        try (HistoryDatabase db = HistoryDatabase.open(database())) {
            assertThat(hashes(db)).containsExactlyElementsOf(journal.stream().map(HistoryRow::hash).toList());
        }
    }

    @Test
    void everyAppendedRecordIsInTheJournalAndTheDatabase() throws Exception {
        List<JournalRecord> records = HistoryDatabaseTest.journal();
        try (HistoryJournal journal = HistoryJournal.open(FileRecoveryJournal.open(dir), database())) {
            records.forEach(journal::append);

            assertThat(journal.flush(WAIT)).isTrue();
            assertThat(journal.upToDate()).isTrue();
            assertThat(journal.records()).hasSize(records.size());
        }

        assertThat(journalFile()).hasSize(records.size());
        assertDatabaseHoldsTheJournal();
    }

    @Test
    void recordsJournaledButNotIndexedWhenTheProcessDiedAreCaughtUpAtTheNextStart() throws Exception {
        // Given records indexed as they were appended, then more that reached the journal only: the process died
        // between the durable append and the insert
        List<JournalRecord> records = HistoryDatabaseTest.journal();
        try (HistoryJournal journal = HistoryJournal.open(FileRecoveryJournal.open(dir), database())) {
            records.subList(0, 4).forEach(journal::append);
        }
        try (FileRecoveryJournal durableOnly = FileRecoveryJournal.open(dir)) {
            records.subList(4, records.size()).forEach(durableOnly::append);
        }
        try (HistoryDatabase db = HistoryDatabase.open(database())) {
            assertThat(db.size()).isEqualTo(4);
        }

        // When the journal is opened again
        try (HistoryJournal journal = HistoryJournal.open(FileRecoveryJournal.open(dir), database())) {
            // Then the database holds every record, each once, in the journal's order
            assertThat(journal.flush(WAIT)).isTrue();
            assertThat(journal.upToDate()).isTrue();
        }
        assertDatabaseHoldsTheJournal();
    }

    @Test
    void anAppendDoesNotWaitForTheDatabase() throws Exception {
        // Given a database that hangs when it is opened, until released
        CountDownLatch release = new CountDownLatch(1);
        List<JournalRecord> records = HistoryDatabaseTest.journal();
        try (HistoryJournal journal = new HistoryJournal(FileRecoveryJournal.open(dir), () -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return HistoryDatabase.open(database());
        }, "test")) {
            // When records are appended, every append returns with the record durable
            assertTimeoutPreemptively(WAIT, () -> records.forEach(journal::append));
            assertThat(journalFile()).hasSize(records.size());
            assertThat(journal.upToDate()).isFalse();

            // and once the database answers, it gets them all
            release.countDown();
            assertThat(journal.flush(WAIT)).isTrue();
            assertThat(journal.upToDate()).isTrue();
        }
        assertDatabaseHoldsTheJournal();
    }

    @Test
    void aFailingDatabaseNeverFailsAnAppendAndIsCaughtUpOnceItWorks() throws Exception {
        // Given a database that cannot be opened for now
        AtomicBoolean broken = new AtomicBoolean(true);
        AtomicInteger opened = new AtomicInteger();
        List<JournalRecord> records = HistoryDatabaseTest.journal();
        try (HistoryJournal journal = new HistoryJournal(FileRecoveryJournal.open(dir), () -> {
            opened.incrementAndGet();
            if (broken.get()) {
                throw new HistoryException("cannot open history database (test): disk full", false, null);
            }
            return HistoryDatabase.open(database());
        }, "test")) {
            // When records are appended while it fails
            records.subList(0, 6).forEach(journal::append);

            // Then every append succeeded and is durable, and the database is known to be behind, having been
            // tried at the start and at each record
            assertThat(journalFile()).hasSize(6);
            assertThat(journal.flush(WAIT)).isTrue();
            assertThat(journal.upToDate()).isFalse();
            assertThat(opened).hasValue(7);

            // When it works again, the next append catches it up with everything
            broken.set(false);
            records.subList(6, records.size()).forEach(journal::append);
            assertThat(journal.flush(WAIT)).isTrue();
            assertThat(journal.upToDate()).isTrue();
        }
        assertDatabaseHoldsTheJournal();
    }
}
