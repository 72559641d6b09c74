package org.distributedtesting.recovery.examples.ratis;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Faults a test or the demo injects into a running node: hang the apply path, slow it down, make it store a wrong
 * result, fill the data directory towards its disk quota. They exist only when the node was started with
 * {@code --fault-hooks}; a node started without it has hooks that do nothing and refuse every request, so
 * production nodes cannot be faulted through their control endpoint.
 *
 * <table>
 *   <caption>The hooks</caption>
 *   <tr><th>hook</th><th>custom action</th><th>effect</th><th>ends with</th></tr>
 *   <tr><td>{@link #hangApply()}</td><td>{@code fault_hang_apply}</td><td>the next apply waits</td>
 *       <td>{@link #release()}, {@link #clear()}</td></tr>
 *   <tr><td>{@link #slowApply(Duration)}</td><td>{@code fault_slow_apply}</td><td>every apply takes longer</td>
 *       <td>{@link #release()}, {@link #clear()}</td></tr>
 *   <tr><td>{@link #divergeApply(int)}</td><td>{@code fault_diverge_apply}</td><td>the next {@code count} task
 *       inserts store a wrong payload ({@link #payloadToStore}); the applied index advances as everywhere else, so
 *       the node's state checksum differs from the other replicas' from then on</td>
 *       <td>{@link #clear()}, a restart</td></tr>
 *   <tr><td>{@link #fillDisk}</td><td>{@code fault_fill_disk}</td><td>a file fills the data directory</td>
 *       <td>cleanup of stale temporary files</td></tr>
 * </table>
 * All of them live in memory only: a restarted node has none.
 *
 * <p>Thread-safe: the hang is guarded by {@code lock}; the delay is volatile; the pending wrong applies are an
 * atomic counter.
 */
final class FaultHooks {

    /** What {@link #payloadToStore} appends to a payload while wrong applies are pending. */
    static final String DIVERGED_MARK = " [diverged]";

    /** The prefix of the files {@link #fillDisk} writes into {@code tmp/}. */
    static final String FILL_PREFIX = "fault-fill-";

    private static final int CHUNK = 1 << 20;

    private final boolean enabled;
    private final Object lock = new Object();
    // guarded by lock
    private boolean hang;
    // guarded by lock: the apply thread waiting in the hang, if any
    private boolean holding;
    private volatile Duration slowApply = Duration.ZERO;
    // task inserts still to be stored wrong
    private final AtomicInteger divergentApplies = new AtomicInteger();

    private FaultHooks(boolean enabled) {
        this.enabled = enabled;
    }

    /** Hooks that can be triggered. */
    static FaultHooks enabled() {
        return new FaultHooks(true);
    }

    /** Hooks that do nothing: the default. */
    static FaultHooks disabled() {
        return new FaultHooks(false);
    }

    /** Whether the node was started with {@code --fault-hooks}. */
    boolean isEnabled() {
        return enabled;
    }

    /** Called by the apply path before each entry: sleeps when slowed, waits while hung. */
    void beforeApply() throws InterruptedException {
        if (!enabled) {
            return;
        }
        Duration delay = slowApply;
        if (!delay.isZero()) {
            Thread.sleep(delay.toMillis());
        }
        synchronized (lock) {
            if (!hang) {
                return;
            }
            holding = true;
            try {
                while (hang) {
                    lock.wait();
                }
            } finally {
                holding = false;
            }
        }
    }

    /** Makes the next apply wait until {@link #release()}. */
    void hangApply() {
        requireEnabled();
        synchronized (lock) {
            hang = true;
        }
    }

    /** Makes every apply take {@code delay} longer. */
    void slowApply(Duration delay) {
        requireEnabled();
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must be >= 0, but was " + delay);
        }
        slowApply = delay;
    }

    /** Whether applies are slowed down. */
    boolean slowed() {
        return !slowApply.isZero();
    }

    /** Whether an apply waits in the hang right now. */
    boolean holdingApply() {
        synchronized (lock) {
            return holding;
        }
    }

    /**
     * Makes the next {@code count} task inserts on this node store a wrong payload, replacing any count pending.
     *
     * @throws IllegalArgumentException if {@code count} is not positive
     * @throws IllegalStateException    if the hooks are off
     */
    void divergeApply(int count) {
        requireEnabled();
        if (count <= 0) {
            throw new IllegalArgumentException("count must be > 0, but was " + count);
        }
        divergentApplies.set(count);
    }

    /**
     * Called by the database for each task it inserts: the payload to store. While wrong applies are pending, one is
     * taken and the payload comes back with {@link #DIVERGED_MARK} appended; else it comes back unchanged. A
     * disabled hook never changes it.
     */
    String payloadToStore(String payload) {
        if (!enabled) {
            return payload;
        }
        int before = divergentApplies.getAndUpdate(n -> Math.max(0, n - 1));
        return before > 0 ? payload + DIVERGED_MARK : payload;
    }

    /** How many task inserts are still to be stored wrong. */
    int divergentAppliesPending() {
        return divergentApplies.get();
    }

    /**
     * Ends every fault this node's apply path is under: the hang, the slow-down and the pending wrong applies.
     *
     * @return whether an apply was held
     */
    boolean clear() {
        divergentApplies.set(0);
        return release();
    }

    /**
     * Ends the hang and the slow-down.
     *
     * @return whether an apply was held
     */
    boolean release() {
        slowApply = Duration.ZERO;
        synchronized (lock) {
            boolean wasHolding = holding;
            hang = false;
            lock.notifyAll();
            return wasHolding;
        }
    }

    /**
     * Writes a file into {@code tmp/} so that the data directory uses {@code ratio} of {@code quota}; the file is a
     * stale temporary file as far as cleanup is concerned.
     *
     * @return the file written, or null when the directory already uses that much
     */
    Path fillDisk(DataDir dir, long quota, double ratio) throws IOException {
        requireEnabled();
        if (!(ratio > 0 && ratio <= 1)) {
            throw new IllegalArgumentException("ratio must be in (0, 1], but was " + ratio);
        }
        long missing = (long) (quota * ratio) - DataDir.sizeOf(dir.root());
        if (missing <= 0) {
            return null;
        }
        Files.createDirectories(dir.tmpDir());
        Path file = Files.createTempFile(dir.tmpDir(), FILL_PREFIX, ".bin");
        byte[] chunk = new byte[CHUNK];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long left = missing; left > 0; left -= CHUNK) {
                out.write(chunk, 0, (int) Math.min(CHUNK, left));
            }
        }
        return file;
    }

    private void requireEnabled() {
        if (!enabled) {
            throw new IllegalStateException("fault hooks are off: start the node with --fault-hooks");
        }
    }

    @Override
    public String toString() {
        return "FaultHooks[" + (enabled ? "enabled" : "disabled") + "]";
    }

    static FaultHooks of(boolean enabled) {
        return enabled ? enabled() : disabled();
    }
}
