package org.distributedtesting.recovery.core.supervise;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's pid file: the {@code node.pid} file in its data directory, written atomically after a start and read to
 * adopt a process that an earlier supervisor started, or the pid file of another tool that started the node.
 *
 * <p>Immutable; concurrent writers of one file are serialized by the supervisor's per-node lock.
 */
final class PidFile {

    /** File name inside the node's data directory. */
    static final String NAME = "node.pid";

    /**
     * The operating system derives a process's start instant from a boot time kept in whole seconds, so a process
     * may seem to have started up to this much after the pid file it wrote.
     */
    static final Duration START_TIME_TOLERANCE = Duration.ofSeconds(2);

    private static final Logger LOG = LoggerFactory.getLogger(PidFile.class);

    private final Path path;

    private PidFile(Path path) {
        this.path = path;
    }

    /** The {@value #NAME} file in a node's data directory, which this supervisor writes. */
    static PidFile inDataDir(Path dataDir) {
        return new PidFile(dataDir.resolve(NAME));
    }

    /** The pid file at {@code file}: one another tool writes for a node it started. */
    static PidFile at(Path file) {
        return new PidFile(file.toAbsolutePath().normalize());
    }

    Path path() {
        return path;
    }

    /** Replaces the file's content with {@code pid}; readers see the old content or the new, never a part. */
    void write(long pid) throws IOException {
        Path temp = Files.createTempFile(path.getParent(), NAME + ".", ".tmp");
        try {
            Files.writeString(temp, pid + System.lineSeparator(), StandardCharsets.US_ASCII);
            Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * The live process the file names. Empty when there is no file, it holds no pid, the process has ended, or
     * the pid now belongs to a process that started after the file was written (the pid was reused).
     *
     * @throws IOException when the file exists and cannot be read
     */
    Optional<ProcessHandle> liveProcess() throws IOException {
        OptionalLong pid = read();
        if (pid.isEmpty()) {
            return Optional.empty();
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(pid.getAsLong()).filter(ProcessLiveness::isRunning);
        if (handle.isEmpty()) {
            return Optional.empty();
        }
        Instant written;
        try {
            written = Files.getLastModifiedTime(path).toInstant();
        } catch (NoSuchFileException e) {
            // removed since it was read: the process was stopped meanwhile
            return Optional.empty();
        }
        Optional<Instant> started = handle.get().info().startInstant();
        if (started.isPresent() && started.get().isAfter(written.plus(START_TIME_TOLERANCE))) {
            LOG.info("Pid file {} names pid {}, which now belongs to a process started at {}, after the file was "
                    + "written at {}; not adopting it", path, pid.getAsLong(), started.get(), written);
            return Optional.empty();
        }
        return handle;
    }

    /** Deletes the file when it still names {@code pid}, so a later supervisor does not adopt a reused pid. */
    void deleteIfNames(long pid) throws IOException {
        OptionalLong named = read();
        if (named.isPresent() && named.getAsLong() == pid) {
            Files.deleteIfExists(path);
        }
    }

    OptionalLong read() throws IOException {
        String content;
        try {
            content = Files.readString(path, StandardCharsets.US_ASCII).strip();
        } catch (NoSuchFileException e) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(content));
        } catch (NumberFormatException e) {
            LOG.warn("Pid file {} holds '{}', which is not a process id; ignoring it", path, content);
            return OptionalLong.empty();
        }
    }
}
