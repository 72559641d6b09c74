package org.distributedtesting.recovery.core.sim;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * Runs a campaign's scenarios 0..n-1 side by side on a few threads and hands their outcomes to the caller in
 * scenario order, on the calling thread: each scenario has its own cluster, engine and strategies and reads no
 * wall clock, so it gives the same result on any thread, and a campaign's report is the same for any number of
 * threads. At most a few scenarios per thread run ahead of the one the caller waits for, so a long campaign keeps
 * only a few results in memory.
 *
 * <p>Not thread-safe; the threads are made for one call and gone when it returns.
 */
final class ScenarioRuns {

    /** How many scenarios per thread may be started ahead of the oldest one not yet handed over. */
    private static final int AHEAD_PER_THREAD = 4;

    private ScenarioRuns() {
    }

    /**
     * Runs {@code run} for 0..count-1 and gives each outcome to {@code inOrder}, in order.
     *
     * @param threads 1 runs everything on the calling thread
     * @throws IllegalArgumentException if {@code threads} is not positive
     * @throws RuntimeException         what a scenario threw (the ones after it are cancelled)
     * @throws IllegalStateException    if the calling thread is interrupted while it waits
     */
    static <T> void run(int count, int threads, IntFunction<T> run, Consumer<T> inOrder) {
        if (threads <= 0) {
            throw new IllegalArgumentException("threads must be > 0, but was " + threads);
        }
        if (threads == 1 || count <= 1) {
            for (int i = 0; i < count; i++) {
                inOrder.accept(run.apply(i));
            }
            return;
        }
        AtomicInteger names = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread thread = new Thread(r, "scenario-" + names.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        try {
            Deque<Future<T>> running = new ArrayDeque<>();
            int next = 0;
            for (int done = 0; done < count; done++) {
                while (next < count && running.size() < threads * AHEAD_PER_THREAD) {
                    int i = next++;
                    running.addLast(pool.submit(() -> run.apply(i)));
                }
                inOrder.accept(await(running.removeFirst()));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException("a scenario failed: " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a scenario", e);
        }
    }
}
