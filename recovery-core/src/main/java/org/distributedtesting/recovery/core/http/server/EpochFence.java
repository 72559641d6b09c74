package org.distributedtesting.recovery.core.http.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.core.http.codec.FencingEpoch;
import org.distributedtesting.recovery.core.http.codec.JsonReads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's side of fencing: the highest epoch a control request has carried, and the check that refuses a lower
 * one. Kept in a file when the host names one, written atomically (a temporary file, forced to disk, renamed over
 * the old one, and the directory forced) before the request that raised it is carried out; otherwise in memory.
 *
 * <p>Thread-safe: {@link #lock} guards {@link #highest} and {@link #warnedInMemory}, and is held across the check,
 * the write of the file and the raise, so that of two requests at once the higher epoch is the one kept, and no
 * request with a lower epoch is admitted once a higher one was.
 */
final class EpochFence {

    /** Why a request was not admitted: the 409 answer's message and numbers. */
    record Refusal(long fencedEpoch, OptionalLong requestEpoch, String message) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(EpochFence.class);
    private static final Pattern EPOCH_TEXT = Pattern.compile("[0-9]{1,19}");

    private final NodeId node;
    private final Path file;
    private final ReentrantLock lock = new ReentrantLock();
    private long highest;
    private boolean warnedInMemory;

    private EpochFence(NodeId node, Path file, long highest) {
        this.node = node;
        this.file = file;
        this.highest = highest;
    }

    /** A fence that keeps its epoch in memory only, never fenced yet. */
    static EpochFence inMemory(NodeId node) {
        return new EpochFence(Objects.requireNonNull(node, "node"), null, 0);
    }

    /**
     * A fence kept in {@code file}, starting at the epoch the file holds, or unfenced when there is no file yet.
     *
     * @throws IOException if the file cannot be read or does not hold one positive decimal number; the message
     *                     says what the file is for and what to do
     */
    static EpochFence durable(NodeId node, Path file) throws IOException {
        Objects.requireNonNull(node, "node");
        Path absolute = file.toAbsolutePath();
        String text;
        try {
            text = Files.readString(absolute, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            return new EpochFence(node, absolute, 0);
        } catch (IOException e) {
            throw new IOException("cannot read the fencing file " + absolute + " of node '" + node + "': "
                    + e.getMessage(), e);
        }
        String value = text.strip();
        long epoch = EPOCH_TEXT.matcher(value).matches() ? parseOrZero(value) : 0;
        if (epoch <= 0) {
            throw new IOException("the fencing file " + absolute + " of node '" + node + "' is corrupt: it must hold"
                    + " one positive decimal number, the highest fencing epoch the node has accepted, but holds \""
                    + JsonReads.shorten(value) + "\". Write the recovery daemons' current epoch into it (or delete it"
                    + " to accept requests of any epoch again) and start the node again");
        }
        LOG.info("Node '{}' is fenced at epoch {}, read from {}", node, epoch, absolute);
        return new EpochFence(node, absolute, epoch);
    }

    /** The highest epoch admitted so far; 0 when the node was never fenced. */
    long highest() {
        lock.lock();
        try {
            return highest;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Admits a control request that carries {@code epoch}, or refuses it. A higher epoch is stored first (in the
     * file, when there is one) and only then admitted.
     *
     * @return empty when admitted; the refusal otherwise
     * @throws IOException if a higher epoch cannot be stored; the request is then not admitted, and the epoch is
     *                     not raised
     */
    Optional<Refusal> admit(OptionalLong epoch) throws IOException {
        lock.lock();
        try {
            if (epoch.isEmpty()) {
                return highest == 0 ? Optional.empty() : Optional.of(new Refusal(highest, epoch, "this node is"
                        + " fenced at epoch " + highest + " and the request carried no " + FencingEpoch.HEADER
                        + " header: only the recovery daemon that holds the current epoch may control it"));
            }
            long presented = epoch.getAsLong();
            if (presented < highest) {
                return Optional.of(new Refusal(highest, epoch, "stale fencing epoch " + presented + ": this node"
                        + " has already accepted epoch " + highest + " from a newer recovery daemon"));
            }
            if (presented > highest) {
                raise(presented);
            }
            return Optional.empty();
        } finally {
            lock.unlock();
        }
    }

    /** Stores {@code epoch} and then makes it the highest. Called with {@link #lock} held. */
    private void raise(long epoch) throws IOException {
        if (file != null) {
            write(epoch);
            LOG.info("Node '{}' is fenced at epoch {} (was {}), stored in {}", node, epoch, highest, file);
        } else if (!warnedInMemory) {
            warnedInMemory = true;
            LOG.warn("Node '{}' is fenced at epoch {} and keeps it in memory only: after a restart it would accept"
                    + " a stale recovery daemon's requests again. Configure NodeProtocolServer.Builder.fencingFile"
                    + "(Path) to keep it", node, epoch);
        } else {
            LOG.info("Node '{}' is fenced at epoch {} (was {}), in memory only", node, epoch, highest);
        }
        highest = epoch;
    }

    private void write(long epoch) throws IOException {
        Path dir = file.getParent();
        Path temporary = dir.resolve(file.getFileName() + ".tmp");
        try {
            Files.createDirectories(dir);
            try (FileChannel out = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer bytes = ByteBuffer.wrap((epoch + "\n").getBytes(StandardCharsets.US_ASCII));
                while (bytes.hasRemaining()) {
                    out.write(bytes);
                }
                out.force(true);
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            // the rename is durable only once the directory entry is
            try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
                directory.force(true);
            }
        } catch (IOException e) {
            throw new IOException("cannot store fencing epoch " + epoch + " in " + file + ": " + e.getMessage(), e);
        }
    }

    private static long parseOrZero(String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException tooLarge) {
            return 0;
        }
    }
}
