package org.distributedtesting.recovery.examples.ratis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.server.RaftServer;
import org.distributedtesting.recovery.ActionResult;

/**
 * {@code CleanupResources} on a running node: a snapshot through Ratis' snapshot management (creation gap 1, so it
 * is always taken), after which Ratis purges the log segments the snapshot covers; then snapshots beyond
 * {@link RatisConfig#SNAPSHOTS_RETAINED}, backups beyond {@link CoordinatorNodeControl#BACKUPS_RETAINED} per
 * artifact, and temporary files older than {@link #STALE_AFTER} (or left by the disk-fill fault) are deleted.
 *
 * <p>Not thread-safe; one cleanup per instance.
 */
final class Cleanup {

    /** A temporary file this old is no longer being written or served. */
    static final Duration STALE_AFTER = Duration.ofMinutes(1);

    private final CoordinatorNode node;

    Cleanup(CoordinatorNode node) {
        this.node = node;
    }

    ActionResult run(RaftServer.Division division) throws IOException {
        DataDir dir = node.dataDir();
        long diskBefore = DataDir.sizeOf(dir.root());
        long logStartBefore = division.getRaftLog().getStartIndex();
        long snapshotIndex;
        try (RaftClient client = node.newClient(CoordinatorNodeControl.ADMIN_TIMEOUT)) {
            RaftClientReply reply = client.getSnapshotManagementApi(node.self().raftId())
                    .create(1, CoordinatorNodeControl.ADMIN_TIMEOUT.toMillis());
            if (!reply.isSuccess()) {
                return new ActionResult.Failed("snapshot failed: " + reply.getException());
            }
            snapshotIndex = reply.getLogIndex();
        }
        int snapshots = node.stateMachine().getStateMachineStorage().deleteAllBut(RatisConfig.SNAPSHOTS_RETAINED);
        List<Path> backups = dir.purgeBackups(CoordinatorNodeControl.BACKUPS_RETAINED);
        int temporary = purgeTemporaryFiles(dir);
        long diskAfter = DataDir.sizeOf(dir.root());
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("snapshot_index", snapshotIndex);
        data.put("log_start_before", logStartBefore);
        data.put("log_start_after", division.getRaftLog().getStartIndex());
        data.put("snapshots_deleted", snapshots);
        data.put("backups_deleted", backups.size());
        data.put("temporary_files_deleted", temporary);
        data.put("bytes_freed", Math.max(0, diskBefore - diskAfter));
        return new ActionResult.Done("snapshot at index " + snapshotIndex + "; log starts at "
                + data.get("log_start_after") + " (was " + logStartBefore + "); deleted " + snapshots
                + " old snapshots, " + backups.size() + " backups beyond retention, " + temporary
                + " temporary files; " + data.get("bytes_freed") + " bytes freed", data);
    }

    private int purgeTemporaryFiles(DataDir dir) throws IOException {
        if (!Files.isDirectory(dir.tmpDir())) {
            return 0;
        }
        Instant staleBefore = node.clock().instant().minus(STALE_AFTER);
        int deleted = 0;
        try (Stream<Path> files = Files.list(dir.tmpDir())) {
            for (Path file : files.toList()) {
                boolean fill = file.getFileName().toString().startsWith(FaultHooks.FILL_PREFIX);
                if (fill || Files.getLastModifiedTime(file).toInstant().isBefore(staleBefore)) {
                    DataDir.deleteRecursively(file);
                    deleted++;
                }
            }
        }
        return deleted;
    }
}
