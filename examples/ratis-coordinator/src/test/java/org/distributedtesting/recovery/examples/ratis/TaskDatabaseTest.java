package org.distributedtesting.recovery.examples.ratis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.distributedtesting.recovery.IntegrityCheck;
import org.distributedtesting.recovery.examples.ratis.harness.Corruption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskDatabaseTest {

    @TempDir
    Path dir;

    private static final List<Command> WORK = List.of(new Command.SubmitTask("t-1", "suite a"),
            new Command.SubmitTask("t-2", "suite b"), new Command.RegisterWorker("w-1"),
            new Command.AssignTask("w-1"), new Command.CompleteTask("t-1", "w-1", "passed"),
            new Command.AssignTask("w-1"));

    @Test
    void twoReplicasApplyingTheSameEntriesHoldTheSameStateAndChecksum() throws Exception {
        // Given two databases
        try (TaskDatabase a = TaskDatabase.open(dir.resolve("a.db"));
             TaskDatabase b = TaskDatabase.open(dir.resolve("b.db"))) {
            // When both apply the same entries
            List<String> replies = new ArrayList<>();
            long index = 1;
            for (Command command : WORK) {
                replies.add(a.apply(command, 2, index));
                b.apply(command, 2, index++);
            }
            b.advance(3, index);
            a.advance(3, index);

            // Then they reply alike and agree on the applied entry and the checksum
            assertThat(replies).containsExactly("submitted t-1", "submitted t-2", "registered w-1", "assigned t-1",
                    "completed t-1", "assigned t-2");
            assertThat(a.applied()).isEqualTo(b.applied());
            assertThat(a.applied().term()).isEqualTo(3);
            assertThat(a.applied().index()).isEqualTo(7);
            assertThat(a.applied().hash().rows()).isEqualTo(3);
            assertThat(a.counts()).containsEntry("completed", 1L).containsEntry("assigned", 1L)
                    .containsEntry("workers", 1L);
        }
        assertThat(DatabaseCheck.check(dir.resolve("a.db")).status()).isEqualTo(IntegrityCheck.Status.OK);
    }

    @Test
    void rejectsWorkThatDoesNotFitTheRegistryAndStillAdvances() throws Exception {
        try (TaskDatabase db = TaskDatabase.open(dir.resolve("db"))) {
            assertThat(db.apply(new Command.AssignTask("ghost"), 1, 0)).isEqualTo("rejected: unknown worker ghost");
            assertThat(db.apply(new Command.RegisterWorker("w"), 1, 1)).isEqualTo("registered w");
            assertThat(db.apply(new Command.RegisterWorker("w"), 1, 2)).isEqualTo("registered already w");
            assertThat(db.apply(new Command.AssignTask("w"), 1, 3)).isEqualTo("no pending task");
            assertThat(db.apply(new Command.CompleteTask("t", "w", "x"), 1, 4))
                    .isEqualTo("rejected: task t is not assigned to w");
            assertThat(db.apply(new Command.SubmitTask("t", "p"), 1, 5)).isEqualTo("submitted t");
            assertThat(db.apply(new Command.SubmitTask("t", "other"), 1, 6)).isEqualTo("duplicate t");
            assertThat(db.applied().index()).isEqualTo(6);
        }
    }

    @Test
    void aConsistentCopyHoldsTheSameEntryAndPassesTheCheck() throws Exception {
        Path copy = dir.resolve("copy.db");
        try (TaskDatabase db = TaskDatabase.open(dir.resolve("db"))) {
            db.apply(new Command.SubmitTask("t", "p"), 1, 0);
            AppliedState copied = db.copyTo(copy);
            try (TaskDatabase read = TaskDatabase.open(copy)) {
                assertThat(read.applied()).isEqualTo(copied).isEqualTo(db.applied());
            }
        }
        assertThat(DatabaseCheck.check(copy).failed()).isFalse();
    }

    @Test
    void aValueChangedBehindTheStateMachinesBackFailsTheContentCheck() throws Exception {
        // Given a database whose stored payload was changed without going through the log
        Path file = dir.resolve("db");
        try (TaskDatabase db = TaskDatabase.open(file)) {
            db.apply(new Command.SubmitTask("t", "payload"), 1, 0);
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE tasks SET payload = 'PAYLOAD' WHERE id = 't'");
        }

        // When it is checked, then SQLite's structure is fine but the content does not match its checksum
        IntegrityCheck check = DatabaseCheck.check(file);
        assertThat(check.failed()).isTrue();
        assertThat(check.detail()).startsWith("content checksum mismatch at index 0");
    }

    @Test
    void aFlippedByteInAnIndexPageFailsSqlitesIntegrityCheck() throws Exception {
        Path file = dir.resolve("db");
        try (TaskDatabase db = TaskDatabase.open(file)) {
            for (int i = 0; i < 100; i++) {
                db.apply(new Command.SubmitTask("t-" + i, "p".repeat(100)), 1, i);
            }
        }
        Corruption.flipIndexPageType(file);

        IntegrityCheck check = DatabaseCheck.check(file);

        assertThat(check.failed()).isTrue();
        assertThat(check.detail()).startsWith("PRAGMA integrity_check: ");
    }

    @Test
    void aFlipOfTheOldestTasksPageOutlivesTheRunningNodesInserts() throws Exception {
        // Given a running node's database whose tasks fill more than the table's root page
        Path file = dir.resolve("db");
        try (TaskDatabase db = TaskDatabase.open(file)) {
            long index = 0;
            while (Corruption.oldestTaskLeaf(file).isEmpty()) {
                db.apply(new Command.SubmitTask("task-" + index, "run suite task-" + index), 1, index++);
            }

            // When the oldest tasks' page is flipped under it, and it goes on inserting tasks
            long page = Corruption.flipOldestTaskPageType(file);
            for (int i = 0; i < 200; i++) {
                db.apply(new Command.SubmitTask("task-" + index, "run suite task-" + index), 1, index++);
            }

            // Then the flip is still there for the node's integrity check to find
            assertThat(page).isNotEqualTo(rootPageOfTasks(file));
            IntegrityCheck check = DatabaseCheck.check(file);
            assertThat(check.failed()).as(check.detail()).isTrue();
            assertThat(check.detail()).startsWith("PRAGMA integrity_check: ");
        }
    }

    @Test
    void theTasksRootPageIsNotFlippedWhileEveryTaskFitsOnItForTheNextInsertUndoesTheFlip() throws Exception {
        // Given a running node's database whose few tasks fit on the tasks table's root page
        Path file = dir.resolve("db");
        try (TaskDatabase db = TaskDatabase.open(file)) {
            for (int i = 0; i < 10; i++) {
                db.apply(new Command.SubmitTask("task-" + i, "run suite task-" + i), 1, i);
            }

            // Then there is no page of the oldest tasks to flip yet, and flipping one is refused, file untouched
            assertThat(Corruption.oldestTaskLeaf(file)).isEmpty();
            assertThatThrownBy(() -> Corruption.flipOldestTaskPageType(file))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("root page");
            assertThat(DatabaseCheck.check(file).status()).isEqualTo(IntegrityCheck.Status.OK);

            // Why: a flip of that root page is undone by the node's next insert, which writes the page back whole
            // from its cache (the demo's database corruption went unseen for 120 s so)
            Corruption.flipRootPageType(file, "tasks");
            assertThat(DatabaseCheck.check(file).failed()).isTrue();
            db.apply(new Command.SubmitTask("task-10", "run suite task-10"), 1, 10);
            assertThat(DatabaseCheck.check(file).status()).isEqualTo(IntegrityCheck.Status.OK);
        }
    }

    private static long rootPageOfTasks(Path file) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT rootpage FROM sqlite_master WHERE name = 'tasks'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void aMissingDatabaseIsNoFailure() {
        assertThat(DatabaseCheck.check(dir.resolve("absent.db")).status()).isEqualTo(IntegrityCheck.Status.OK);
    }

    @Test
    void aWrongApplyAdvancesTheIndexButChangesTheChecksumForGood() throws Exception {
        // Given two replicas, one of whose fault hooks makes its next task insert store a wrong payload
        FaultHooks hooks = FaultHooks.enabled();
        hooks.divergeApply(1);
        try (TaskDatabase healthy = TaskDatabase.open(dir.resolve("healthy.db"));
             TaskDatabase diverged = TaskDatabase.open(dir.resolve("diverged.db"))) {
            // When both apply the same entries, the faulty one through the hook
            long index = 1;
            for (Command command : WORK) {
                assertThat(diverged.apply(command, 2, index, hooks::payloadToStore))
                        .isEqualTo(healthy.apply(command, 2, index));
                index++;
            }

            // Then they are at the same entry with the same row count, but their checksums differ
            assertThat(diverged.applied().index()).isEqualTo(healthy.applied().index()).isEqualTo(WORK.size());
            assertThat(diverged.applied().hash().rows()).isEqualTo(healthy.applied().hash().rows());
            assertThat(diverged.applied().hash()).isNotEqualTo(healthy.applied().hash());
        }
        // and the diverged file is consistent with its own checksum: a wrong result, not a corrupt file
        assertThat(DatabaseCheck.check(dir.resolve("diverged.db")).status()).isEqualTo(IntegrityCheck.Status.OK);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("diverged.db"));
             Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT payload FROM tasks WHERE id = 't-1'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("suite a" + FaultHooks.DIVERGED_MARK);
        }
    }
}
