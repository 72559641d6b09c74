package org.distributedtesting.recovery.core.journal;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.TRUNCATE_EXISTING;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.distributedtesting.recovery.JournalRecord;

/**
 * The file work behind the journal: reading its lines, setting a torn tail aside, writing fully, replacing a
 * file atomically and forcing directories.
 *
 * <p>Stateless and thread-safe; callers serialize access to any one file.
 */
final class JournalFiles {

    private static final int READ_CHUNK = 64 * 1024;
    private static final int MAX_TORN_FILE_ATTEMPTS = 100;
    // no ':' in file names, which some filesystems refuse
    private static final DateTimeFormatter TORN_SUFFIX =
            DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss.SSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final boolean WINDOWS =
            System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");

    private JournalFiles() {
    }

    /**
     * What a journal file holds.
     *
     * @param records     the records of its complete lines, oldest first
     * @param validLength the length of the part that parses: everything before the torn line, if any
     * @param size        the file's length when it was read
     * @param tornLine    the 1-based number of the torn last line, or 0 when there is none
     */
    record Scan(List<JournalRecord> records, long validLength, long size, int tornLine) {

        boolean isTorn() {
            return validLength < size;
        }
    }

    private record BadLine(int number, long start, String reason) {
    }

    /**
     * Reads every line of a journal. Only the last line may be bad (unterminated or not a record): a crash in
     * the middle of an append leaves exactly that.
     *
     * @throws JournalCorruptedException if any other line is not a record
     */
    static Scan scan(FileChannel channel, Path file) throws IOException {
        long size = channel.size();
        List<JournalRecord> records = new ArrayList<>();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        ByteBuffer chunk = ByteBuffer.allocate(READ_CHUNK);
        long position = 0;
        long lineStart = 0;
        int lineNumber = 1;
        BadLine bad = null; // a complete line that failed: fine only if nothing follows it
        while (position < size) {
            chunk.clear();
            int read = channel.read(chunk, position);
            if (read < 0) {
                break; // the file shrank while we read it: what we have is what there is
            }
            for (int i = 0; i < read; i++) {
                byte b = chunk.get(i);
                if (b != '\n') {
                    line.write(b);
                    continue;
                }
                if (bad != null) {
                    throw new JournalCorruptedException(file, bad.number(), bad.reason());
                }
                try {
                    records.add(JournalCodec.decode(line.toByteArray()));
                } catch (JournalCodec.MalformedLineException e) {
                    bad = new BadLine(lineNumber, lineStart, e.getMessage());
                }
                line.reset();
                lineStart = position + i + 1;
                lineNumber++;
            }
            position += read;
        }
        if (line.size() > 0) {
            if (bad != null) {
                throw new JournalCorruptedException(file, bad.number(), bad.reason());
            }
            return new Scan(List.copyOf(records), lineStart, position, lineNumber);
        }
        if (bad != null) {
            return new Scan(List.copyOf(records), bad.start(), position, bad.number());
        }
        return new Scan(List.copyOf(records), position, position, 0);
    }

    /**
     * Copies the torn tail of a journal into a new file next to it, forces that file, and only then cuts the
     * tail off the journal, so no byte is ever lost.
     *
     * @return the file that now holds the tail
     */
    static Path moveTornTailAside(FileChannel journal, Path file, Scan scan, Instant now) throws IOException {
        Path torn = createTornFile(file, now);
        try (FileChannel out = FileChannel.open(torn, WRITE)) {
            long position = scan.validLength();
            while (position < scan.size()) {
                long copied = journal.transferTo(position, scan.size() - position, out);
                if (copied <= 0) {
                    throw new IOException("could not copy the torn tail of " + file + " to " + torn + ": "
                            + (scan.size() - position) + " bytes left but none copied");
                }
                position += copied;
            }
            out.force(true);
        }
        forceDirectory(directoryOf(file));
        journal.truncate(scan.validLength());
        journal.force(true);
        return torn;
    }

    // a new file, never one that exists: an earlier torn tail set aside in the same millisecond stays as it is
    private static Path createTornFile(Path file, Instant now) throws IOException {
        String base = file.getFileName() + ".torn-" + TORN_SUFFIX.format(now);
        for (int attempt = 1; ; attempt++) {
            Path torn = file.resolveSibling(attempt == 1 ? base : base + "-" + attempt);
            try {
                return Files.createFile(torn);
            } catch (FileAlreadyExistsException e) {
                if (attempt == MAX_TORN_FILE_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /** Writes every byte of the buffer at the channel's position; a single write may write only some. */
    static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /**
     * Replaces {@code target} with {@code content} so that a reader, or the file after a crash, holds the old
     * content or the new, never a part: write a temporary file in the same directory, force it, rename it over
     * the target, force the directory.
     */
    static void replaceAtomically(Path target, byte[] content) throws IOException {
        Path directory = directoryOf(target);
        // a fixed name: saves are serialized by the journal's lock, and a leftover from a crash is overwritten
        Path temp = target.resolveSibling(target.getFileName() + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, CREATE, TRUNCATE_EXISTING, WRITE)) {
                writeFully(channel, ByteBuffer.wrap(content));
                channel.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        forceDirectory(directory);
    }

    /** Makes the directory's entries (a created or renamed file) durable. */
    static void forceDirectory(Path directory) throws IOException {
        FileChannel channel;
        try {
            channel = FileChannel.open(directory, READ);
        } catch (AccessDeniedException e) {
            if (WINDOWS) {
                return; // Windows cannot open a directory as a file, so there is no handle to force
            }
            throw e;
        }
        try (channel) {
            channel.force(true);
        } catch (IOException e) {
            // EINVAL: some filesystems (several network and FUSE ones) do not support fsync on a directory;
            // the entries are then as durable as that filesystem makes them, and nothing more can be done
            if (!"Invalid argument".equals(e.getMessage())) {
                throw e;
            }
        }
    }

    static Path directoryOf(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        if (parent == null) {
            throw new IllegalArgumentException("file must be inside a directory, but was " + file);
        }
        return parent;
    }
}
