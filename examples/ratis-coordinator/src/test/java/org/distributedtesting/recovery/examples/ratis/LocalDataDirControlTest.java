package org.distributedtesting.recovery.examples.ratis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.Action.Artifact;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeSpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalDataDirControlTest {

    private static final NodeId HEALTHY = NodeId.of("node-1");
    private static final NodeId BROKEN = NodeId.of("node-3");
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2030-01-02T03:04:05.006Z"), ZoneOffset.UTC);

    @TempDir
    Path root;

    private DataDir healthy;
    private DataDir broken;
    private LocalDataDirControl control;

    @BeforeEach
    void twoStoppedNodes() throws Exception {
        healthy = new DataDir(root.resolve("node-1"));
        broken = new DataDir(root.resolve("node-3"));
        healthy.createDirectories();
        broken.createDirectories();
        database(healthy, 5);
        database(broken, 2);
        control = new LocalDataDirControl(List.of(spec(HEALTHY, healthy), spec(BROKEN, broken)),
                DatabaseCopySource.fromLocalDataDir(), CLOCK);
    }

    @Test
    void moveAsideRenamesTheArtifactWithATimestampAndDeletesNothing() throws Exception {
        ActionResult result = control.execute(new Action.MoveAside(BROKEN, Artifact.DATABASE));

        assertThat(result).isInstanceOf(ActionResult.Done.class);
        assertThat(result.detail()).isEqualTo("moved the database to backups/database-20300102T030405.006Z");
        assertThat(broken.backupsDir().resolve("database-20300102T030405.006Z").resolve(DataDir.DATABASE_FILE))
                .isRegularFile();
        assertThat(broken.databaseFile()).doesNotExist();
        assertThat(control.execute(new Action.MoveAside(BROKEN, Artifact.DATABASE)).detail())
                .isEqualTo("no database to move aside");
    }

    @Test
    void restorePutsACheckedCopyOfTheHealthyReplicaInPlaceAndKeepsTheOldDataAside() throws Exception {
        // Given the broken node has a snapshot of its old database
        Files.writeString(broken.snapshotsDir().resolve("snapshot.1_2"), "old");

        // When its database is restored from the healthy node
        ActionResult result = control.execute(new Action.Restore(BROKEN, Artifact.DATABASE, HEALTHY));

        // Then it holds the healthy node's entry and checksum, and the old database and snapshots are backups
        assertThat(result).isInstanceOf(ActionResult.Done.class);
        assertThat(((ActionResult.Done) result).data()).containsEntry("index", 5L).containsEntry("source", "node-1");
        try (TaskDatabase restored = TaskDatabase.open(broken.databaseFile());
             TaskDatabase source = TaskDatabase.open(healthy.databaseFile())) {
            assertThat(restored.applied()).isEqualTo(source.applied());
        }
        assertThat(backups(broken)).containsExactlyInAnyOrder("database-20300102T030405.006Z",
                "snapshots-20300102T030405.006Z");
        assertThat(broken.tmpDir()).isEmptyDirectory();
    }

    @Test
    void restoreRefusesACopyThatFailsItsCheckAndLeavesTheNodeAlone() throws Exception {
        // Given the source's content no longer matches its checksum (changed outside the log)
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + healthy.databaseFile());
             var s = c.createStatement()) {
            s.executeUpdate("UPDATE tasks SET payload = 'changed'");
        }

        ActionResult result = control.execute(new Action.Restore(BROKEN, Artifact.DATABASE, HEALTHY));

        assertThat(result).isInstanceOf(ActionResult.Failed.class);
        assertThat(result.detail()).startsWith("the copy from 'node-1' fails its check: ");
        assertThat(backups(broken)).isEmpty();
        try (TaskDatabase db = TaskDatabase.open(broken.databaseFile())) {
            assertThat(db.applied().index()).isEqualTo(2);
        }
    }

    @Test
    void onlyTheDatabaseIsRestoredFromAReplica() throws Exception {
        assertThat(control.execute(new Action.Restore(BROKEN, Artifact.LOG, HEALTHY)).detail())
                .startsWith("only the database is restored from a replica");
    }

    @Test
    void resetLogLeavesAnEmptyRaftStorageAndKeepsTheOldLogAside() throws Exception {
        Path segment = broken.raftDir().resolve("group").resolve("current").resolve("log_0-9");
        Files.createDirectories(segment.getParent());
        Files.writeString(segment, "entries");

        ActionResult result = control.execute(new Action.Reset(BROKEN, Artifact.LOG));

        assertThat(result).isInstanceOf(ActionResult.Done.class);
        assertThat(broken.raftDir()).isEmptyDirectory();
        assertThat(broken.backupsDir().resolve("log-20300102T030405.006Z/group/current/log_0-9")).hasContent("entries");
    }

    @Test
    void resetDatabaseWithoutASnapshotResetsTheLogTooSoThatTheLeaderSuppliesTheState() throws Exception {
        Files.createDirectories(broken.raftDir().resolve("group"));

        ActionResult result = control.execute(new Action.Reset(BROKEN, Artifact.DATABASE));

        assertThat(result.detail()).startsWith("no snapshot: the log was reset too");
        assertThat(backups(broken)).containsExactlyInAnyOrder("database-20300102T030405.006Z",
                "log-20300102T030405.006Z");
    }

    @Test
    void refusesWhileTheNodeHoldsItsDataDirectory() throws Exception {
        try (NodeLock running = NodeLock.tryLock(broken).orElseThrow()) {
            ActionResult result = control.execute(new Action.MoveAside(BROKEN, Artifact.DATABASE));

            assertThat(result).isInstanceOf(ActionResult.Failed.class);
            assertThat(result.detail()).startsWith("refused: 'node-3' is running");
            assertThat(broken.databaseFile()).isRegularFile();
        }
    }

    @Test
    void routesOtherActionsToTheRunningNodesControl() throws Exception {
        Files.writeString(broken.snapshotsDir().resolve("snapshot.1_2"), "s");
        var online = control.routing(action -> ActionResult.Done.of("online " + action.name()));

        assertThat(online.execute(new Action.CleanupResources(BROKEN)).detail()).isEqualTo("online cleanup_resources");
        assertThat(online.execute(new Action.MoveAside(BROKEN, Artifact.SNAPSHOTS)).detail())
                .isEqualTo("moved the snapshots to backups/snapshots-20300102T030405.006Z");
        assertThat(control.execute(new Action.CleanupResources(BROKEN))).isInstanceOf(ActionResult.Failed.class);
        assertThat(control.execute(new Action.MoveAside(NodeId.of("node-9"), Artifact.LOG)).detail())
                .isEqualTo("node 'node-9' is not in this cluster");
    }

    private static void database(DataDir dir, int entries) throws Exception {
        try (TaskDatabase db = TaskDatabase.open(dir.databaseFile())) {
            for (int i = 0; i <= entries; i++) {
                db.apply(new Command.SubmitTask(dir.root().getFileName() + "-" + i, "p"), 1, i);
            }
        }
    }

    private static NodeSpec spec(NodeId id, DataDir dir) {
        return new NodeSpec(id, "127.0.0.1", 8080, dir.root(), List.of(), List.of());
    }

    private static List<String> backups(DataDir dir) throws Exception {
        try (Stream<Path> files = Files.list(dir.backupsDir())) {
            return files.map(p -> p.getFileName().toString()).toList();
        }
    }
}
