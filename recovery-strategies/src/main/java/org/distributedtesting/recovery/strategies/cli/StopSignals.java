package org.distributedtesting.recovery.strategies.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGTERM and SIGINT as a request to stop rather than the JVM's exit: the daemon's main thread waits for one, stops
 * cleanly and returns, so that the process exits 0, which systemd counts as a successful stop (the JVM's own
 * handling runs the shutdown hooks and exits 143 or 130, which systemd counts as a failure).
 *
 * <p>The first signal restores the JVM's handling, so a second one (an impatient Ctrl-C, or systemd's final SIGTERM)
 * stops the process at once; every journal record written until then is already on disk.
 *
 * <p>Thread-safe: the signals arrive on threads of their own; the name of the first one sits in one
 * {@link AtomicReference}, and the latch releases the waiting thread.
 */
final class StopSignals {

    /** The signals that stop the daemon: systemd's (and {@code kill}'s) default, and Ctrl-C. */
    static final List<String> NAMES = List.of("TERM", "INT");

    private final CountDownLatch received = new CountDownLatch(1);
    // the first signal's name; set once
    private final AtomicReference<String> first = new AtomicReference<>();
    private final List<Signal> signals = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();

    private StopSignals() {
    }

    /**
     * Handles {@link #NAMES} from now on instead of the JVM.
     *
     * @throws IllegalArgumentException if the JVM or the operating system does not let a program handle one of them
     *                                  (a JVM started with {@code -Xrs}, some platforms); none is handled then
     */
    static StopSignals install() {
        StopSignals stop = new StopSignals();
        try {
            for (String name : NAMES) {
                Signal signal = new Signal(name);
                stop.previous.add(Signal.handle(signal, stop::receive));
                stop.signals.add(signal);
            }
        } catch (IllegalArgumentException e) {
            stop.restore();
            throw e;
        }
        return stop;
    }

    private void receive(Signal signal) {
        if (first.compareAndSet(null, "SIG" + signal.getName())) {
            restore();
            received.countDown();
        }
    }

    /** Gives the signals back to the JVM; idempotent. */
    synchronized void restore() {
        for (int i = 0; i < signals.size(); i++) {
            Signal.handle(signals.get(i), previous.get(i));
        }
        signals.clear();
        previous.clear();
    }

    /** Waits for the first stop signal; returns its name, such as {@code SIGTERM}. */
    String await() throws InterruptedException {
        received.await();
        return first.get();
    }
}
