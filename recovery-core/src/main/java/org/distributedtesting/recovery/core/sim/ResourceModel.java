package org.distributedtesting.recovery.core.sim;

import org.distributedtesting.recovery.Resources;

/**
 * A node's resource use: a base that follows the size of its log and database, plus what an injected leak or
 * fill adds per virtual second. A cleanup purges what piled up on disk; a restart frees leaked memory and handles.
 *
 * <p>Not thread-safe; the simulation's lock guards it.
 */
final class ResourceModel {

    static final long DISK_LIMIT = 10L << 30;
    static final long MEMORY_LIMIT = 2L << 30;
    static final long FILE_LIMIT = 4096;

    private long diskExtra;
    private long memoryExtra;
    private long filesExtra;
    private long updatedAt;

    /** Adds what the injected growth produced since the last update. */
    void update(long now, NodeFaults faults) {
        long elapsed = Math.max(0, now - updatedAt);
        diskExtra += faults.diskGrowthPerSecond * elapsed / 1000;
        memoryExtra += faults.memoryGrowthPerSecond * elapsed / 1000;
        filesExtra += faults.fileGrowthPerSecond * elapsed / 1000;
        updatedAt = now;
    }

    /** A restart frees memory and file handles. */
    void restarted(long now) {
        memoryExtra = 0;
        filesExtra = 0;
        updatedAt = now;
    }

    /** A cleanup purges old snapshots and backups. */
    void cleaned() {
        diskExtra = 0;
    }

    Resources current(RaftNode node) {
        long rows = node.db.rows().size();
        long disk = Math.min(DISK_LIMIT, (50L << 20) + node.log.size() * 200L + rows * 100L + diskExtra);
        long memory = Math.min(MEMORY_LIMIT, (256L << 20) + rows * 200L + memoryExtra);
        long files = Math.min(FILE_LIMIT, 64 + filesExtra);
        return new Resources(0.1, memory, MEMORY_LIMIT, disk, DISK_LIMIT, files, FILE_LIMIT);
    }
}
