package org.distributedtesting.recovery.core.sim;

import java.util.Arrays;

/**
 * The simulation's discrete-event loop: events run in order of virtual time, ties in order of scheduling, so a
 * run is a pure function of its seed.
 *
 * <p>The queue is a binary min-heap over parallel arrays (time, scheduling number, action) ordered by time and then
 * scheduling number: every message and timer of a simulation passes through it, and plain arrays spare an object
 * and a comparator call per event.
 *
 * <p>Not thread-safe; the simulation's lock guards it.
 */
final class EventLoop {

    private static final int INITIAL_CAPACITY = 64;

    private long[] times = new long[INITIAL_CAPACITY];
    private long[] seqs = new long[INITIAL_CAPACITY];
    private Runnable[] actions = new Runnable[INITIAL_CAPACITY];
    private int size;
    private final SimClock clock;
    private long seq;
    private long executed;

    EventLoop(SimClock clock) {
        this.clock = clock;
    }

    /** Schedules {@code action} {@code delayMillis} from now (at least now). */
    void schedule(long delayMillis, Runnable action) {
        push(clock.millis() + Math.max(0, delayMillis), seq++, action);
    }

    /**
     * Runs every event due up to {@code untilMillis}, then sets the clock there. An event may schedule more
     * events, which run too if they are due.
     *
     * @param afterEach called after each event (the invariant checker)
     */
    void runUntil(long untilMillis, Runnable afterEach) {
        while (size > 0 && times[0] <= untilMillis) {
            long at = times[0];
            Runnable action = pollFirst();
            clock.set(at);
            action.run();
            executed++;
            afterEach.run();
        }
        clock.set(untilMillis);
    }

    long executed() {
        return executed;
    }

    int pending() {
        return size;
    }

    private static boolean before(long time, long seq, long otherTime, long otherSeq) {
        return time < otherTime || (time == otherTime && seq < otherSeq);
    }

    private void push(long time, long number, Runnable action) {
        if (size == times.length) {
            int capacity = size * 2;
            times = Arrays.copyOf(times, capacity);
            seqs = Arrays.copyOf(seqs, capacity);
            actions = Arrays.copyOf(actions, capacity);
        }
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!before(time, number, times[parent], seqs[parent])) {
                break;
            }
            move(parent, i);
            i = parent;
        }
        put(i, time, number, action);
    }

    /** Removes the first event and returns its action. */
    private Runnable pollFirst() {
        Runnable first = actions[0];
        int last = --size;
        long time = times[last];
        long number = seqs[last];
        Runnable action = actions[last];
        actions[last] = null;
        if (last > 0) {
            int i = 0;
            int half = last >>> 1;
            while (i < half) {
                int child = 2 * i + 1;
                int right = child + 1;
                if (right < last && before(times[right], seqs[right], times[child], seqs[child])) {
                    child = right;
                }
                if (!before(times[child], seqs[child], time, number)) {
                    break;
                }
                move(child, i);
                i = child;
            }
            put(i, time, number, action);
        }
        return first;
    }

    private void move(int from, int to) {
        times[to] = times[from];
        seqs[to] = seqs[from];
        actions[to] = actions[from];
    }

    private void put(int at, long time, long number, Runnable action) {
        times[at] = time;
        seqs[at] = number;
        actions[at] = action;
    }
}
