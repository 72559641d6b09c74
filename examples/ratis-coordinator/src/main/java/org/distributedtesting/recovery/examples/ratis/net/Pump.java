package org.distributedtesting.recovery.examples.ratis.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One direction of one proxied connection: a reader that reads chunks from the source socket into a bounded queue,
 * and a writer that delivers them to the destination socket when the faults allow (not cut, latency elapsed, within
 * the bandwidth). The queue bound is what holds the memory of a cut direction: once it is full the reader blocks, the
 * proxy stops reading, and the sender's kernel buffers fill as they would behind a real partition.
 *
 * <p>Thread-safe as used: {@link #readLoop()} runs on one thread and {@link #writeLoop()} on another; they share only
 * the queue.
 */
final class Pump {

    /** The most bytes one read takes from the source. */
    static final int CHUNK_BYTES = 16 * 1024;
    /** The most chunks read and not yet delivered, per direction of a connection. */
    static final int QUEUE_CHUNKS = 32;
    /** Bandwidth is paced in slices of this fraction of a second. */
    private static final int SLICES_PER_SECOND = 20;

    /**
     * A chunk as read, with when it was read and where it falls within the jitter; {@code data} is null for the end
     * (the source sent FIN), which is delayed like any chunk so that it never overtakes the bytes before it.
     */
    private record Chunk(byte[] data, long readAtNanos, double jitterFraction) {

        boolean isEnd() {
            return data == null;
        }
    }

    private final Direction direction;
    private final Socket source;
    private final Socket destination;
    private final FaultState faults;
    private final AtomicLong delivered;
    private final BlockingQueue<Chunk> queue = new ArrayBlockingQueue<>(QUEUE_CHUNKS);

    Pump(Direction direction, Socket source, Socket destination, FaultState faults, AtomicLong delivered) {
        this.direction = Objects.requireNonNull(direction, "direction");
        this.source = Objects.requireNonNull(source, "source");
        this.destination = Objects.requireNonNull(destination, "destination");
        this.faults = Objects.requireNonNull(faults, "faults");
        this.delivered = Objects.requireNonNull(delivered, "delivered");
    }

    Direction direction() {
        return direction;
    }

    /**
     * Reads until the source sends FIN, then queues the end for the writer.
     *
     * @throws IOException          when reading fails (a reset, or the socket closed under it)
     * @throws InterruptedException when the connection is closed while the queue is full
     */
    void readLoop() throws IOException, InterruptedException {
        InputStream in = source.getInputStream();
        byte[] buffer = new byte[CHUNK_BYTES];
        while (true) {
            int n = in.read(buffer);
            if (n < 0) {
                queue.put(new Chunk(null, System.nanoTime(), faults.nextJitterFraction()));
                return;
            }
            queue.put(new Chunk(Arrays.copyOf(buffer, n), System.nanoTime(), faults.nextJitterFraction()));
        }
    }

    /**
     * Delivers chunks in the order they were read until the end, then shuts down the destination's output (a FIN, so
     * a half-close passes through). The end is held while the direction is cut, like the bytes before it.
     *
     * @throws IOException          when writing fails
     * @throws InterruptedException when the connection is closed while waiting
     */
    void writeLoop() throws IOException, InterruptedException {
        OutputStream out = destination.getOutputStream();
        long nextSendAt = System.nanoTime();
        while (true) {
            Chunk chunk = queue.take();
            faults.awaitDeliverable(direction, () -> faults.dueNanos(chunk.readAtNanos(), chunk.jitterFraction()));
            if (chunk.isEnd()) {
                destination.shutdownOutput();
                return;
            }
            byte[] data = chunk.data();
            int offset = 0;
            while (offset < data.length) {
                long bytesPerSecond = faults.bytesPerSecond();
                if (bytesPerSecond == 0) {
                    out.write(data, offset, data.length - offset);
                    delivered.addAndGet(data.length - offset);
                    offset = data.length;
                    nextSendAt = System.nanoTime();
                    continue;
                }
                int slice = (int) Math.min(data.length - offset, Math.max(1, bytesPerSecond / SLICES_PER_SECOND));
                long sendAt = nextSendAt;
                // a bandwidth lifted during the wait ends it; a cut during a throttled chunk holds the rest of it
                faults.awaitDeliverable(direction, () -> faults.bytesPerSecond() == 0 ? System.nanoTime() : sendAt);
                out.write(data, offset, slice);
                delivered.addAndGet(slice);
                offset += slice;
                // no credit for idle time: pacing restarts from now when the sender was slower than the limit
                nextSendAt = Math.max(sendAt, System.nanoTime()) + slice * 1_000_000_000L / bytesPerSecond;
            }
        }
    }
}
