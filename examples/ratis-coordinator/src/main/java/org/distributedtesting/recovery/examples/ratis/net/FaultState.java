package org.distributedtesting.recovery.examples.ratis.net;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The faults a {@link FaultProxy} currently applies, shared by every connection's writers, and the waits the writers
 * make on them.
 *
 * <p>Thread-safe: every change is made under one lock and wakes every waiting writer, so a writer re-reads the faults
 * after each change (a heal releases what was held, a lower latency shortens a wait already started). The fields are
 * also volatile so that the getters read them without the lock.
 */
final class FaultState {

    private final ReentrantLock lock = new ReentrantLock();
    // signalled on every change of the fields below
    private final Condition changed = lock.newCondition();
    // written under lock; volatile for the lock-free getters
    private volatile Set<Direction> cut = EnumSet.noneOf(Direction.class);
    private volatile long latencyNanos;
    private volatile long jitterNanos;
    private volatile long bytesPerSecond;
    // guarded by itself: one sequence of draws for every connection, so that a seeded Random repeats a run
    private final Random random;

    FaultState(Random random) {
        this.random = Objects.requireNonNull(random, "random");
    }

    /** @return whether anything changed */
    boolean cut(Direction direction) {
        Objects.requireNonNull(direction, "direction");
        lock.lock();
        try {
            if (cut.contains(direction)) {
                return false;
            }
            EnumSet<Direction> next = EnumSet.of(direction);
            next.addAll(cut);
            cut = next;
            changed.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** @return whether anything was cut */
    boolean heal() {
        lock.lock();
        try {
            boolean wasCut = !cut.isEmpty();
            cut = EnumSet.noneOf(Direction.class);
            changed.signalAll();
            return wasCut;
        } finally {
            lock.unlock();
        }
    }

    boolean isCut(Direction direction) {
        return cut.contains(Objects.requireNonNull(direction, "direction"));
    }

    boolean anyCut() {
        return !cut.isEmpty();
    }

    void latency(Duration base, Duration jitter) {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(jitter, "jitter");
        if (base.isNegative()) {
            throw new IllegalArgumentException("latency base must be >= 0, but was " + base);
        }
        if (jitter.isNegative()) {
            throw new IllegalArgumentException("latency jitter must be >= 0, but was " + jitter);
        }
        lock.lock();
        try {
            latencyNanos = base.toNanos();
            jitterNanos = jitter.toNanos();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    void bandwidth(long bytesPerSecond) {
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("bytesPerSecond must be >= 0 (0 = unlimited), but was " + bytesPerSecond);
        }
        lock.lock();
        try {
            this.bytesPerSecond = bytesPerSecond;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** @return bytes per second allowed on each direction of each connection, 0 for unlimited */
    long bytesPerSecond() {
        return bytesPerSecond;
    }

    /** @return a draw in [0, 1) that places a chunk within the jitter, taken when the chunk is read */
    double nextJitterFraction() {
        synchronized (random) {
            return random.nextDouble();
        }
    }

    /** @return when a chunk read at {@code readAtNanos} with this jitter draw is due, under the current latency */
    long dueNanos(long readAtNanos, double jitterFraction) {
        return readAtNanos + latencyNanos + (long) (jitterFraction * jitterNanos);
    }

    /**
     * Waits until {@code direction} is not cut and {@link System#nanoTime()} has reached the deadline, which is asked
     * again after every change (so that a new latency or bandwidth applies to a wait already started).
     *
     * @throws InterruptedException when the connection is closed while waiting
     */
    void awaitDeliverable(Direction direction, LongSupplier deadlineNanos) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (true) {
                if (cut.contains(direction)) {
                    changed.await();
                    continue;
                }
                long remaining = deadlineNanos.getAsLong() - System.nanoTime();
                if (remaining <= 0) {
                    return;
                }
                changed.awaitNanos(Math.min(remaining, TimeUnit.SECONDS.toNanos(1)));
            }
        } finally {
            lock.unlock();
        }
    }
}
