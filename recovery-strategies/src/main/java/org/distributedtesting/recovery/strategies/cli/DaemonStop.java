package org.distributedtesting.recovery.strategies.cli;

import java.io.PrintStream;

/**
 * How {@code --daemon} ends: on SIGTERM or SIGINT ({@link StopSignals}) the main thread finishes the running cycle,
 * writes the journal's files, closes everything and returns, so that the process exits 0, which systemd counts as
 * a successful stop. A second signal while it stops gets the JVM's handling and ends the process at once (143,
 * 130). Any other end of the JVM ({@code System.exit}, SIGHUP) runs the same stop from a shutdown hook, and the
 * JVM's exit code stands (SIGHUP: 129).
 *
 * <p>Thread-safe: {@link #stop} is synchronized, so whichever of the main thread and the hook comes second returns
 * once the first one's stop is done.
 */
final class DaemonStop {

    private final Runnable shutdown;
    private final PrintStream out;
    // guarded by this
    private boolean stopped;

    private DaemonStop(Runnable shutdown, PrintStream out) {
        this.shutdown = shutdown;
        this.out = out;
    }

    /**
     * Runs {@code start}, then waits for a stop signal and runs {@code shutdown} once; returns after it.
     *
     * @param start    starts the cycles on threads of their own
     * @param shutdown finishes the running cycle and closes the engine, the journal and the clients
     * @param out      where "stopping" and "stopped" are printed
     * @param err      where a JVM that does not let the daemon handle the signals is reported
     */
    static void runUntilStopped(Runnable start, Runnable shutdown, PrintStream out, PrintStream err)
            throws InterruptedException {
        DaemonStop stop = new DaemonStop(shutdown, out);
        Thread hook = new Thread(() -> stop.stop("the JVM is exiting"), "recovery-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        StopSignals signals;
        try {
            signals = StopSignals.install();
        } catch (IllegalArgumentException e) {
            // a JVM started with -Xrs: it neither handles them nor lets a program do so
            err.println("recovery: cannot handle SIGTERM and SIGINT (" + e.getMessage() + "): they end the process"
                    + " without a clean stop; every journal record is on disk as it is written, but "
                    + "recovery_log.json is not");
            start.run();
            Thread.currentThread().join(); // until the JVM ends
            return;
        }
        start.run();
        String signal = signals.await();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException exiting) {
            // the JVM is exiting for another reason already: its hook waits for this stop, which runs once
        }
        stop.stop(signal);
    }

    private synchronized void stop(String reason) {
        if (stopped) {
            return;
        }
        stopped = true;
        out.println("stopping (" + reason + "): finishing the current cycle and flushing the journal");
        shutdown.run();
        out.println("stopped");
    }
}
