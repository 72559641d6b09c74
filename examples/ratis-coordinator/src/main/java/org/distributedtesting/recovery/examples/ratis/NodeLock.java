package org.distributedtesting.recovery.examples.ratis;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * The exclusive lock on a data directory's {@code node.lock}: a running node holds it for its lifetime, and
 * {@link LocalDataDirControl} holds it while it moves, restores or resets an artifact, so that the two never work
 * on one directory at once. An operating-system file lock: it ends with the process that held it, so a killed
 * node never leaves a stale lock behind.
 *
 * <p>Not thread-safe; one owner closes it.
 */
final class NodeLock implements AutoCloseable {

    private final FileChannel channel;
    private final FileLock lock;

    private NodeLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock of {@code dir} without waiting.
     *
     * @return the lock, or empty when a process (this one included) holds it
     */
    static Optional<NodeLock> tryLock(DataDir dir) throws IOException {
        Files.createDirectories(dir.root());
        FileChannel channel = FileChannel.open(dir.lockFile(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                return Optional.empty();
            }
            return Optional.of(new NodeLock(channel, lock));
        } catch (OverlappingFileLockException e) {
            // held by this very JVM: a node running in-process
            channel.close();
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
