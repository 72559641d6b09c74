package org.distributedtesting.recovery.core.config;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Resolves the config file's paths against its directory and checks that the recovery directory is usable.
 *
 * <p>Stateless and thread-safe.
 */
final class PathResolver {

    private PathResolver() {
    }

    /** {@code text} as a normalized path; relative paths are taken relative to {@code baseDir}. */
    static Path resolve(ConfigReader reader, Path baseDir, String text, String keyPath) {
        try {
            return baseDir.resolve(text).normalize();
        } catch (InvalidPathException e) {
            throw reader.fail(keyPath, "is not a valid path: " + e.getReason() + ", but was "
                    + ConfigReader.quote(text));
        }
    }

    /**
     * Creates {@code dir} if it is missing and proves it writable by creating and deleting a file in it: checking
     * permission bits would be wrong for root, ACLs and read-only mounts.
     */
    static void requireWritableDirectory(ConfigReader reader, Path dir, String keyPath) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw reader.fail(keyPath, ConfigReader.quote(dir) + " exists but is not a directory");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw reader.fail(keyPath, "cannot create directory " + ConfigReader.quote(dir) + ": " + reason(e));
        }
        Path probe;
        try {
            probe = Files.createTempFile(dir, ".write-check-", ".tmp");
        } catch (IOException e) {
            throw reader.fail(keyPath, "directory " + ConfigReader.quote(dir) + " is not writable: " + reason(e));
        }
        try {
            Files.delete(probe);
        } catch (IOException e) {
            throw reader.fail(keyPath, "directory " + ConfigReader.quote(dir) + " does not allow deleting files (could"
                    + " not delete " + ConfigReader.quote(probe) + "): " + reason(e));
        }
    }

    /** Why an I/O operation failed, in words: the JDK's messages are often only the path. */
    static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileAlreadyExistsException fileInTheWay) {
            return MessageText.quote(fileInTheWay.getFile(), MessageText.MAX_SHOWN_PATH_LENGTH)
                    + " exists and is not a directory";
        }
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getReason();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
