package org.distributedtesting.recovery.examples.ratis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.distributedtesting.recovery.Action.Artifact;

/**
 * The layout of one coordinator node's data directory, shared by the running node and by
 * {@link LocalDataDirControl}, which works on the directory of a stopped node:
 *
 * <pre>
 * data-dir/
 *   node.lock               held by the running node (and by LocalDataDirControl while it works)
 *   fencing-epoch           the highest fencing epoch a recovery daemon's control request carried
 *   db/coordinator.db       the SQLite database: tasks, workers, and the applied index with its checksum  (DATABASE)
 *   raft/                   Apache Ratis' storage: log segments, term and vote, configuration            (LOG)
 *   snapshots/              Ratis snapshots, each a consistent copy of the database at its index         (SNAPSHOTS)
 *   snapshots-incoming/     snapshots being installed from the leader
 *   tmp/                    copies in the making; stale files here are purged by cleanup
 *   backups/                artifacts moved aside, as artifact-timestamp; never deleted except by retention
 * </pre>
 *
 * <p>Immutable and thread-safe; the file operations are not atomic against each other, which is why they run
 * only under the node lock.
 */
public final class DataDir {

    /** The database's file name inside {@code db/}. */
    public static final String DATABASE_FILE = "coordinator.db";

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final Path root;

    /**
     * @param root the node's data directory
     * @throws NullPointerException if {@code root} is null
     */
    public DataDir(Path root) {
        this.root = Objects.requireNonNull(root, "root").toAbsolutePath();
    }

    /** The data directory itself. */
    public Path root() {
        return root;
    }

    Path databaseDir() {
        return root.resolve("db");
    }

    /** The SQLite database file. */
    public Path databaseFile() {
        return databaseDir().resolve(DATABASE_FILE);
    }

    /** Apache Ratis' storage directory (its log). */
    public Path raftDir() {
        return root.resolve("raft");
    }

    /** The snapshots of the state machine. */
    public Path snapshotsDir() {
        return root.resolve("snapshots");
    }

    Path incomingSnapshotsDir() {
        return root.resolve("snapshots-incoming");
    }

    Path tmpDir() {
        return root.resolve("tmp");
    }

    /** Where artifacts are moved aside. */
    public Path backupsDir() {
        return root.resolve("backups");
    }

    Path lockFile() {
        return root.resolve("node.lock");
    }

    /**
     * The node protocol's fencing file: the highest epoch of a recovery daemon the node has accepted, so that it
     * refuses a daemon that lost its lease also after a restart. Beside the artifacts, so no repair moves it.
     */
    public Path fencingFile() {
        return root.resolve("fencing-epoch");
    }

    /** The directory that holds {@code artifact}. */
    public Path artifactPath(Artifact artifact) {
        return switch (artifact) {
            case DATABASE -> databaseDir();
            case LOG -> raftDir();
            case SNAPSHOTS -> snapshotsDir();
        };
    }

    /** Creates the directories a running node needs. */
    void createDirectories() throws IOException {
        for (Path dir : List.of(databaseDir(), raftDir(), snapshotsDir(), incomingSnapshotsDir(), tmpDir(),
                backupsDir())) {
            Files.createDirectories(dir);
        }
    }

    /**
     * Renames {@code artifact} to {@code backups/<artifact>-<timestamp>}; nothing is deleted.
     *
     * @return where it went, or empty when the artifact was absent or empty
     */
    Optional<Path> moveAside(Artifact artifact, Clock clock) throws IOException {
        Path source = artifactPath(artifact);
        if (!Files.exists(source) || isEmptyDirectory(source)) {
            return Optional.empty();
        }
        Files.createDirectories(backupsDir());
        String base = artifact.name().toLowerCase(Locale.ROOT) + "-" + STAMP.format(clock.instant());
        Path target = backupsDir().resolve(base);
        for (int n = 1; Files.exists(target); n++) {
            target = backupsDir().resolve(base + "-" + n);
        }
        Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
        return Optional.of(target);
    }

    /**
     * Moves log segment files (not Ratis' term, vote and configuration files) to
     * {@code backups/log-<timestamp>-superseded}: for segments whose every entry the database already holds.
     *
     * @return where they went
     */
    Path moveSegmentsAside(List<Path> segments, Clock clock) throws IOException {
        Path target = backupsDir().resolve("log-" + STAMP.format(clock.instant()) + "-superseded");
        for (int n = 1; Files.exists(target); n++) {
            target = backupsDir().resolve("log-" + STAMP.format(clock.instant()) + "-superseded-" + n);
        }
        Files.createDirectories(target);
        for (Path segment : segments) {
            Files.move(segment, target.resolve(segment.getFileName()), StandardCopyOption.ATOMIC_MOVE);
        }
        return target;
    }

    /**
     * Deletes the oldest backups of each artifact beyond the newest {@code keep}: the only place where backups are
     * deleted, and only past their retention.
     *
     * @return the backups deleted
     */
    List<Path> purgeBackups(int keep) throws IOException {
        if (keep < 1) {
            throw new IllegalArgumentException("keep must be >= 1, but was " + keep);
        }
        List<Path> purged = new ArrayList<>();
        if (!Files.isDirectory(backupsDir())) {
            return purged;
        }
        for (Artifact artifact : Artifact.values()) {
            String prefix = artifact.name().toLowerCase(Locale.ROOT) + "-";
            List<Path> backups;
            try (Stream<Path> list = Files.list(backupsDir())) {
                // the timestamp in the name sorts chronologically
                backups = list.filter(p -> p.getFileName().toString().startsWith(prefix))
                        .sorted(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed())
                        .toList();
            }
            for (Path old : backups.subList(Math.min(keep, backups.size()), backups.size())) {
                deleteRecursively(old);
                purged.add(old);
            }
        }
        return purged;
    }

    /** Bytes in the files under {@code dir}; files that vanish while counting are skipped. */
    static long sizeOf(Path dir) {
        if (!Files.exists(dir)) {
            return 0;
        }
        long[] total = {0};
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    total[0] += attrs.size();
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot measure " + dir, e);
        }
        return total[0];
    }

    static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static boolean isEmptyDirectory(Path path) throws IOException {
        if (!Files.isDirectory(path)) {
            return false;
        }
        try (Stream<Path> entries = Files.list(path)) {
            return entries.findAny().isEmpty();
        } catch (NoSuchFileException e) {
            return true;
        }
    }

    @Override
    public String toString() {
        return root.toString();
    }
}
