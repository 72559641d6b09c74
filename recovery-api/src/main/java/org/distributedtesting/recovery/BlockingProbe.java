package org.distributedtesting.recovery;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;

/**
 * The default {@link NodeProbe#probeAsync(NodeSpec, Duration, Executor)}: a blocking probe run on an executor, as
 * a future whose {@code cancel(true)} interrupts the thread that runs it. A {@link CompletableFuture} alone
 * cannot interrupt anything; the {@link FutureTask} inside does, and it settles the race between a probe that
 * returns and a cancel that interrupts, so no interrupt outlives the task on a pooled thread.
 *
 * <p>Thread-safe.
 */
final class BlockingProbe extends CompletableFuture<NodeStatus> {

    private final FutureTask<NodeStatus> task;

    private BlockingProbe(NodeProbe probe, NodeSpec node, Duration deadline) {
        this.task = new FutureTask<>(() -> probe.probe(node, deadline)) {
            @Override
            protected void done() {
                settle(this);
            }
        };
    }

    /** Submits {@code probe.probe(node, deadline)} to {@code executor}; a rejected submission fails the future. */
    static CompletableFuture<NodeStatus> start(NodeProbe probe, NodeSpec node, Duration deadline,
                                               Executor executor) {
        Objects.requireNonNull(executor, "executor");
        BlockingProbe future = new BlockingProbe(probe, node, deadline);
        try {
            executor.execute(future.task);
        } catch (RejectedExecutionException e) {
            future.completeExceptionally(e);
        }
        return future;
    }

    private void settle(FutureTask<NodeStatus> done) {
        if (done.isCancelled()) {
            completeExceptionally(new CancellationException("probe cancelled"));
            return;
        }
        try {
            complete(done.get());
        } catch (ExecutionException e) {
            completeExceptionally(e.getCause());
        } catch (InterruptedException e) {
            // done() runs once the task has a result, so get() does not wait
            Thread.currentThread().interrupt();
            completeExceptionally(e);
        }
    }

    /** Cancels this future and, with {@code mayInterruptIfRunning}, interrupts the thread running the probe. */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        task.cancel(mayInterruptIfRunning);
        return cancelled;
    }
}
