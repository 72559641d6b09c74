package org.distributedtesting.recovery.core.sim;

import java.util.PriorityQueue;

/**
 * The simulation's discrete-event loop: events run in order of virtual time, ties in order of scheduling, so a
 * run is a pure function of its seed.
 *
 * <p>Not thread-safe; the simulation's lock guards it.
 */
final class EventLoop {

    private record Event(long at, long seq, Runnable action) implements Comparable<Event> {
        @Override
        public int compareTo(Event o) {
            int byTime = Long.compare(at, o.at);
            return byTime != 0 ? byTime : Long.compare(seq, o.seq);
        }
    }

    private final PriorityQueue<Event> queue = new PriorityQueue<>();
    private final SimClock clock;
    private long seq;
    private long executed;

    EventLoop(SimClock clock) {
        this.clock = clock;
    }

    /** Schedules {@code action} {@code delayMillis} from now (at least now). */
    void schedule(long delayMillis, Runnable action) {
        queue.add(new Event(clock.millis() + Math.max(0, delayMillis), seq++, action));
    }

    /**
     * Runs every event due up to {@code untilMillis}, then sets the clock there. An event may schedule more
     * events, which run too if they are due.
     *
     * @param afterEach called after each event (the invariant checker)
     */
    void runUntil(long untilMillis, Runnable afterEach) {
        while (!queue.isEmpty() && queue.peek().at <= untilMillis) {
            Event e = queue.poll();
            clock.set(e.at);
            e.action.run();
            executed++;
            afterEach.run();
        }
        clock.set(untilMillis);
    }

    long executed() {
        return executed;
    }

    int pending() {
        return queue.size();
    }
}
