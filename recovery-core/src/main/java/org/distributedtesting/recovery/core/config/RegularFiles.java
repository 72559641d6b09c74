package org.distributedtesting.recovery.core.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;

/**
 * Reads the files a configuration consists of (the config file, the control token file) the only safe way: a
 * regular file, checked before it is opened, since opening a FIFO blocks until someone writes to it and a device
 * such as {@code /dev/zero} never ends; and at most a limit, so that a huge or growing file costs no more memory
 * than the limit.
 *
 * <p>Stateless and thread-safe.
 */
final class RegularFiles {

    /** The file type bits of {@code st_mode} and the values of the special types (POSIX {@code <sys/stat.h>}). */
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;
    private static final int S_IFBLK = 0060000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFIFO = 0010000;

    private RegularFiles() {
    }

    /**
     * What {@code file} is when it is not a regular file ({@code "a FIFO"}, {@code "a directory"}), following
     * symbolic links; empty for a regular file.
     *
     * @throws NoSuchFileException if there is no such file
     * @throws IOException if its attributes cannot be read
     */
    static Optional<String> notRegular(Path file) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        if (attributes.isRegularFile()) {
            return Optional.empty();
        }
        if (attributes.isDirectory()) {
            return Optional.of("a directory");
        }
        return Optional.of(special(file));
    }

    /** The kind of a file that is neither regular nor a directory, from its mode where the platform has one. */
    private static String special(Path file) {
        Object mode;
        try {
            mode = Files.getAttribute(file, "unix:mode");
        } catch (UnsupportedOperationException | IllegalArgumentException | IOException noUnixView) {
            return "a special file";
        }
        return switch (((Integer) mode) & S_IFMT) {
            case S_IFIFO -> "a FIFO";
            case S_IFCHR -> "a character device";
            case S_IFBLK -> "a block device";
            case S_IFSOCK -> "a socket";
            default -> "a special file";
        };
    }

    /**
     * The first {@code limit + 1} bytes of {@code file} at most: more than {@code limit} bytes read means the file
     * is larger than the limit, whatever its size said.
     *
     * @throws IOException if the file cannot be read
     */
    static byte[] readUpTo(Path file, int limit) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(limit + 1);
        }
    }
}
