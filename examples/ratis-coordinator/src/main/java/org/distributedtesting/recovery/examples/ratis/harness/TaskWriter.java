package org.distributedtesting.recovery.examples.ratis.harness;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.distributedtesting.recovery.examples.ratis.CoordinatorClient;
import org.distributedtesting.recovery.examples.ratis.Peer;

/**
 * A client that submits test tasks continuously, one after the other with a pause between them, and records every
 * submission with its outcome: accepted (acknowledged, and the state machine took the task), refused (acknowledged
 * with a rejection, for example by a node degraded to reject new work), or not acknowledged (failed or timed out:
 * the task may or may not be there).
 *
 * <p>Thread-safe. {@link #close()} stops writing and waits for the write in flight.
 */
public final class TaskWriter implements AutoCloseable {

    /**
     * One submission.
     *
     * @param taskId       the task's id
     * @param payload      the payload it was submitted with
     * @param submittedAt  when it was sent
     * @param answeredAt   when the answer (or the failure) came
     * @param acknowledged whether the cluster committed and applied it
     * @param reply        the state machine's reply, or the error
     * @param index        the log index it was applied at, {@code -1} when not acknowledged
     */
    public record Write(String taskId, String payload, Instant submittedAt, Instant answeredAt, boolean acknowledged,
                        String reply, long index) {

        /** @throws NullPointerException if an argument is null */
        public Write {
            Objects.requireNonNull(taskId, "taskId");
            Objects.requireNonNull(payload, "payload");
            Objects.requireNonNull(submittedAt, "submittedAt");
            Objects.requireNonNull(answeredAt, "answeredAt");
            Objects.requireNonNull(reply, "reply");
        }

        /**
         * Acknowledged and taken: the task must be on every node from now on. A "duplicate" reply counts too: the
         * client's retry of a write whose first attempt was applied.
         */
        public boolean accepted() {
            return acknowledged && (reply.startsWith("submitted ") || reply.startsWith("duplicate "));
        }

        /** What the client knows about it: acknowledged and taken, refused, or unknown. */
        public History.Outcome outcome() {
            if (!acknowledged) {
                return History.Outcome.UNKNOWN;
            }
            return accepted() ? History.Outcome.ACKNOWLEDGED : History.Outcome.REFUSED;
        }
    }

    private final CoordinatorClient client;
    private final String prefix;
    private final Clock clock;
    private final ScheduledExecutorService executor;
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Object lock = new Object();
    // guarded by lock
    private final List<Write> writes = new ArrayList<>();

    private TaskWriter(List<Peer> peers, String prefix, Clock clock) {
        this.client = new CoordinatorClient(peers);
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "task-writer-" + prefix);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts writing: one task, then {@code pause}, then the next.
     *
     * @param peers  the cluster
     * @param prefix task ids are {@code prefix-1}, {@code prefix-2}, ...
     * @param pause  the pause between the answer to one write and the next write
     * @throws IllegalArgumentException if {@code pause} is negative
     */
    public static TaskWriter start(List<Peer> peers, String prefix, Duration pause) {
        if (pause.isNegative()) {
            throw new IllegalArgumentException("pause must be >= 0, but was " + pause);
        }
        TaskWriter writer = new TaskWriter(peers, prefix, Clock.systemUTC());
        writer.executor.scheduleWithFixedDelay(writer::writeOne, 0, Math.max(1, pause.toMillis()),
                TimeUnit.MILLISECONDS);
        return writer;
    }

    private void writeOne() {
        String id = prefix + "-" + sequence.incrementAndGet();
        String payload = "run suite " + id;
        Instant sent = clock.instant();
        CoordinatorClient.Reply reply = new CoordinatorClient.Reply(false, "no answer: the write ended abnormally",
                -1);
        try {
            reply = client.submit(id, payload);
        } finally {
            // recorded even when the submit throws: the task may be on the nodes, and the history must name it
            Write write = new Write(id, payload, sent, clock.instant(), reply.acknowledged(), reply.reply(),
                    reply.index());
            synchronized (lock) {
                writes.add(write);
            }
        }
    }

    /** The prefix of this writer's task ids. */
    public String prefix() {
        return prefix;
    }

    /** Every submission so far, in order. */
    public List<Write> writes() {
        synchronized (lock) {
            return List.copyOf(writes);
        }
    }

    /** Ids of the tasks the cluster acknowledged and took. */
    public Set<String> accepted() {
        Set<String> ids = new LinkedHashSet<>();
        writes().stream().filter(Write::accepted).forEach(w -> ids.add(w.taskId()));
        return ids;
    }

    /** How many submissions were not acknowledged. */
    public long unacknowledged() {
        return writes().stream().filter(w -> !w.acknowledged()).count();
    }

    /**
     * Waits until at least {@code count} more tasks than now have been accepted.
     *
     * @throws org.awaitility.core.ConditionTimeoutException if that takes longer than {@code timeout}
     */
    public void awaitMoreAccepted(int count, Duration timeout) {
        long target = writes().stream().filter(Write::accepted).count() + count;
        await("" + count + " more accepted writes").atMost(timeout).pollInterval(Duration.ofMillis(20))
                .until(() -> writes().stream().filter(Write::accepted).count() >= target);
    }

    /**
     * Stops writing, waits for the write in flight (at most its retry time), and closes the client. Closing twice
     * does nothing.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(CoordinatorClient.WRITE_RETRY.toSeconds() + 5, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
        try {
            client.close();
        } catch (IOException e) {
            throw new IllegalStateException("closing the writer's Ratis client failed: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        List<Write> all = writes();
        return "TaskWriter[" + all.size() + " writes, " + all.stream().filter(Write::accepted).count()
                + " accepted, " + all.stream().filter(w -> !w.acknowledged()).count() + " not acknowledged]";
    }
}
