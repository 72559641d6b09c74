package org.distributedtesting.recovery.examples.ratis;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotRetentionPolicy;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.util.MD5FileUtil;

/**
 * Where the state machine keeps its snapshots: {@code snapshots/snapshot.<term>_<index>}, each a SQLite database
 * written by {@code VACUUM INTO}, with Ratis' {@code .md5} file beside it. The directory sits outside Ratis'
 * storage on purpose: Ratis clears its own {@code sm/} directory when it formats a fresh log, and a log reset must
 * not take the snapshots with it. Ratis installs snapshots from the leader through {@link #getSnapshotDir()} and
 * {@link #getTmpDir()}.
 *
 * <p>Only snapshots with an {@code .md5} file count: a file without one was never finished. Thread-safe: the latest
 * snapshot is one {@link AtomicReference}; the files are written by the state machine's apply thread only.
 */
final class SnapshotStore implements StateMachineStorage {

    private static final Pattern NAME = Pattern.compile("snapshot\\.(\\d+)_(\\d+)");

    private final DataDir dir;
    private final AtomicReference<SingleFileSnapshotInfo> latest = new AtomicReference<>();

    SnapshotStore(DataDir dir) {
        this.dir = Objects.requireNonNull(dir, "dir");
    }

    @Override
    public void init(RaftStorage raftStorage) throws IOException {
        format();
        reload();
    }

    /** Rereads the directory, after the leader installed a snapshot into it. */
    void reload() throws IOException {
        latest.set(scan().stream().findFirst().orElse(null));
    }

    @Override
    public SingleFileSnapshotInfo getLatestSnapshot() {
        return latest.get();
    }

    @Override
    public void format() throws IOException {
        Files.createDirectories(dir.snapshotsDir());
        Files.createDirectories(dir.incomingSnapshotsDir());
    }

    @Override
    public void cleanupOldSnapshots(SnapshotRetentionPolicy policy) throws IOException {
        int keep = policy == null ? SnapshotRetentionPolicy.DEFAULT_ALL_SNAPSHOTS_RETAINED
                : policy.getNumSnapshotsRetained();
        if (keep > 0) {
            deleteAllBut(keep);
        }
    }

    /** Deletes every finished snapshot but the newest {@code keep}, and returns how many it deleted. */
    int deleteAllBut(int keep) throws IOException {
        List<SingleFileSnapshotInfo> all = scan();
        int deleted = 0;
        for (SingleFileSnapshotInfo old : all.subList(Math.min(keep, all.size()), all.size())) {
            File file = old.getFile().getPath().toFile();
            Files.deleteIfExists(file.toPath());
            Files.deleteIfExists(MD5FileUtil.getDigestFileForFile(file).toPath());
            deleted++;
        }
        return deleted;
    }

    @Override
    public File getSnapshotDir() {
        return dir.snapshotsDir().toFile();
    }

    @Override
    public File getTmpDir() {
        return dir.incomingSnapshotsDir().toFile();
    }

    /** Where the snapshot of entry {@code (term, index)} lives. */
    Path fileFor(long term, long index) {
        return dir.snapshotsDir().resolve("snapshot." + term + "_" + index);
    }

    /**
     * Makes a written snapshot file count: moves it to its name, writes its {@code .md5}, and makes it the latest.
     *
     * @param written a finished file in the same file system
     */
    SingleFileSnapshotInfo publish(Path written, long term, long index) throws IOException {
        Path target = fileFor(term, index);
        Files.move(written, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        MD5Hash md5 = MD5FileUtil.computeAndSaveMd5ForFile(target.toFile());
        SingleFileSnapshotInfo info = new SingleFileSnapshotInfo(new FileInfo(target, md5), term, index);
        latest.updateAndGet(previous -> previous == null || previous.getIndex() < index ? info : previous);
        return info;
    }

    /**
     * Snapshots {@code db} as it is now: {@code VACUUM INTO} a file in {@code tmpDir}, then {@link #publish}.
     *
     * @return the index of the snapshot
     */
    long write(TaskDatabase db, Path tmpDir) throws IOException, SQLException {
        Files.createDirectories(tmpDir);
        Path written = tmpDir.resolve("snapshot-" + System.nanoTime() + ".db");
        AppliedState state = db.copyTo(written);
        publish(written, state.term(), state.index());
        return state.index();
    }

    /**
     * Copies a snapshot into {@code tmpDir} to become the database, after checking its bytes against its
     * {@code .md5} and that it holds the entry its name says.
     *
     * @return the copy
     * @throws IOException if the snapshot is damaged or not what its name says
     */
    Path checkedCopy(SingleFileSnapshotInfo snapshot, Path tmpDir) throws IOException, SQLException {
        File file = snapshot.getFile().getPath().toFile();
        MD5FileUtil.verifySavedMD5(file, MD5FileUtil.computeMd5ForFile(file));
        Files.createDirectories(tmpDir);
        Path copy = tmpDir.resolve("install-" + snapshot.getIndex() + "-" + System.nanoTime() + ".db");
        Files.copy(file.toPath(), copy);
        try (TaskDatabase check = TaskDatabase.open(copy)) {
            AppliedState state = check.applied();
            if (state.index() != snapshot.getIndex() || state.term() != snapshot.getTerm()) {
                throw new IOException("snapshot " + file + " holds entry (" + state.term() + ", " + state.index()
                        + "), not the one its name says");
            }
        }
        return copy;
    }

    /** The finished snapshots, newest first. */
    private List<SingleFileSnapshotInfo> scan() throws IOException {
        List<SingleFileSnapshotInfo> found = new ArrayList<>();
        if (!Files.isDirectory(dir.snapshotsDir())) {
            return found;
        }
        try (Stream<Path> files = Files.list(dir.snapshotsDir())) {
            for (Path path : (Iterable<Path>) files::iterator) {
                Matcher m = NAME.matcher(path.getFileName().toString());
                if (!m.matches()) {
                    continue;
                }
                MD5Hash md5 = MD5FileUtil.readStoredMd5ForFile(path.toFile());
                if (md5 != null) {
                    found.add(new SingleFileSnapshotInfo(new FileInfo(path, md5), Long.parseLong(m.group(1)),
                            Long.parseLong(m.group(2))));
                }
            }
        }
        found.sort(Comparator.comparingLong(SingleFileSnapshotInfo::getIndex).reversed());
        return found;
    }
}
