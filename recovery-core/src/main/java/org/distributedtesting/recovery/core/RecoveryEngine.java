package org.distributedtesting.recovery.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.distributedtesting.recovery.ClusterHistory;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.RecoveryListener;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.RecoveryStrategy;
import org.distributedtesting.recovery.core.coordination.Lease;
import org.distributedtesting.recovery.core.journal.JournalAppendListener;
import org.distributedtesting.recovery.spi.ProcessSupervisor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a cluster and recovers it. One cycle, each stage in the package named for it: {@code probe} every node
 * concurrently (each probe with a deadline) → an immutable snapshot plus a bounded history → {@code detect} (every
 * strategy's detector, then damping) → {@code plan} (the {@code guard}s' verdict) → {@code act} (the current rung of
 * each confirmed failure's ladder) → {@code verify} by re-probing in later cycles → {@code report} (every decision
 * an event: the journal record, then the listeners).
 *
 * <p>Run cycles by hand ({@link #runCycle()}), until the cluster settles ({@link #runUntilSettled(Duration)}), or on
 * an interval ({@link #start(Duration)}). Time comes from the injected {@link Clock} and {@link Sleeper}, so the engine
 * runs on virtual time in tests. Build with {@link #builder()}.
 *
 * <p>An engine starts where the engine before it on the same journal stopped: when it is built it rebuilds its ledger
 * from the journal's records (attempts and backoff per node and failure type, quarantines and their half-open time,
 * the action budget's window), so a restart does not give a crash-looping node a fresh budget. See
 * {@link EngineBuilder#restoreFromJournal(boolean)}.
 *
 * <p>Thread-safe: one lock serializes cycles and guards all recovery state. {@link #close()} stops the interval,
 * waits for a running cycle, and shuts down the executors the engine created.
 */
public final class RecoveryEngine implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RecoveryEngine.class);

    private final List<RecoveryStrategy> strategies;
    private final List<NodeSpec> nodes;
    private final RecoveryOptions options;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Cycle cycle;
    private final ScheduledExecutorService scheduler;
    private final List<ExecutorService> owned;
    private final boolean ownsJournal;
    private final ProcessSupervisor supervisor;

    private final ReentrantLock lock = new ReentrantLock(); // guards everything below and all of the cycle's state
    private ScheduledFuture<?> next;
    private Duration interval;
    private boolean closed;

    RecoveryEngine(EngineBuilder b) {
        this.strategies = List.copyOf(b.strategies);
        this.nodes = List.copyOf(b.nodes);
        this.options = b.options;
        this.clock = b.clock;
        this.sleeper = b.sleeper;
        this.owned = new ArrayList<>();
        this.scheduler = b.scheduler != null ? b.scheduler : own(Executors.newSingleThreadScheduledExecutor(
                threads("recovery-scheduler")));
        // probes go through NodeProbe.probeAsync: an asynchronous probe (HttpNodeProbe) holds no thread of this
        // pool while its node thinks. A blocking probe does, for its whole length, so the pool stays a cached one:
        // every blocking probe starts at once, its deadline counting from when it was asked for, and one that ignores
        // its interrupt only strands its own thread, never the probes queued behind it
        var executor = b.probeExecutor != null ? b.probeExecutor : own(Executors.newCachedThreadPool(
                threads("recovery-probe")));
        this.ownsJournal = b.ownsJournal;
        this.supervisor = b.supervisor;
        this.cycle = new Cycle(b, executor);
    }

    /** A builder; nodes and a probe are required, the rest has defaults. */
    public static EngineBuilder builder() {
        return new EngineBuilder();
    }

    private <T extends ExecutorService> T own(T executor) {
        owned.add(executor);
        return executor;
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Runs one cycle now.
     *
     * @throws IllegalStateException if the engine is closed
     */
    public CycleReport runCycle() {
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("engine is closed");
            }
            return cycle.run();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs cycles until the cluster is {@linkplain CycleReport#healthy() healthy}, or stuck (every remaining failure
     * is on quarantined nodes), or {@code maxTime} has passed on the engine's clock. A failure seen but not yet
     * confirmed, or forming (a disk above its threshold for fewer cycles than it must stay there), keeps it running
     * until it is confirmed and recovered, or the time is up; then it is among the remaining failures. Between
     * cycles it waits {@code verify_interval} through the {@link Sleeper}.
     *
     * @throws InterruptedException if interrupted while waiting
     */
    public SettleReport runUntilSettled(Duration maxTime) throws InterruptedException {
        Instant start = clock.instant();
        Instant end = start.plus(maxTime);
        int cycles = 0;
        while (true) {
            CycleReport report = runCycle();
            cycles++;
            Duration elapsed = Duration.between(start, clock.instant());
            if (report.healthy()) {
                return new SettleReport(true, List.of(), cycles, elapsed, report);
            }
            if (report.stuck() || !clock.instant().isBefore(end)) {
                return new SettleReport(false, report.unhealthy(), cycles, elapsed, report);
            }
            sleeper.sleep(cycle.verifyInterval());
        }
    }

    /**
     * Runs a cycle every {@code interval} on the scheduler, and every {@code verify_interval} while a failure is
     * being confirmed or a recovery awaits verification, until {@link #close()}. The rate is fixed: each cycle starts
     * one period after the previous one started (by the engine's clock), or at once when the previous one took
     * longer, so a node that never answers does not stretch the interval by its probe deadline.
     *
     * @throws IllegalStateException if already started or closed
     * @throws IllegalArgumentException if {@code interval} is not positive
     */
    public void start(Duration interval) {
        if (interval.isZero() || interval.isNegative()) {
            throw new IllegalArgumentException("interval must be > 0, but was " + interval);
        }
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("engine is closed");
            }
            if (next != null) {
                throw new IllegalStateException("engine already started");
            }
            this.interval = interval;
            next = scheduler.schedule(() -> tick(interval), 0, TimeUnit.MILLISECONDS);
        } finally {
            lock.unlock();
        }
        if (supervisor != null) {
            supervisor.onProcessExit(this::processEnded);
        }
    }

    /**
     * A supervisor saw the process of {@code node} end: the next cycle runs now rather than at its time, so that a
     * crash is seen (and, the evidence being certain, acted on) within moments instead of an interval. A cycle running
     * now is not interrupted; the wake-up runs after it on the scheduler. Backoff and the attempt budget still bound
     * what a crash loop can cause; it only brings the look forward.
     */
    private void processEnded(NodeId node) {
        try {
            scheduler.execute(() -> {
                lock.lock();
                try {
                    if (closed || next == null || next.getDelay(TimeUnit.NANOSECONDS) <= 0 || !next.cancel(false)) {
                        return; // closed, or a cycle is due or running anyway
                    }
                    LOG.info("the process of node '{}' ended: the next cycle runs now", node);
                    Duration every = interval;
                    next = scheduler.schedule(() -> tick(every), 0, TimeUnit.NANOSECONDS);
                } finally {
                    lock.unlock();
                }
            });
        } catch (RejectedExecutionException shutDown) {
            LOG.debug("the process of node '{}' ended after the engine closed", node);
        }
    }

    private void tick(Duration interval) {
        Duration delay = interval;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            try {
                CycleReport report = cycle.run();
                Duration period = interval;
                if (!report.detected().isEmpty() && !report.stuck() || report.awaitingVerification() > 0) {
                    Duration verify = cycle.verifyInterval();
                    period = interval.compareTo(verify) < 0 ? interval : verify;
                }
                // a fixed rate: the next cycle starts one period after this one started, so a node that answers
                // only at its probe deadline does not stretch every cycle by that deadline
                Duration took = Duration.between(report.snapshot().takenAt(), clock.instant());
                delay = took.compareTo(period) >= 0 ? Duration.ZERO : period.minus(took);
            } catch (RuntimeException | Error e) {
                LOG.error("a cycle failed; the engine goes on", e);
            }
            next = scheduler.schedule(() -> tick(interval), delay.toNanos(), TimeUnit.NANOSECONDS);
        } finally {
            lock.unlock();
        }
    }

    /** Nodes quarantined after an escalation, sorted. */
    public Set<NodeId> quarantined() {
        lock.lock();
        try {
            return cycle.quarantined();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Releases a quarantined node: the engine may act on it again, with a fresh attempt budget.
     *
     * @return whether it was quarantined
     * @throws IllegalArgumentException if the node is not in the cluster
     */
    public boolean release(NodeId node) {
        lock.lock();
        try {
            return cycle.release(node);
        } finally {
            lock.unlock();
        }
    }

    /** The snapshots kept, oldest first, the latest cycle's included. */
    public ClusterHistory history() {
        lock.lock();
        try {
            return cycle.history();
        } finally {
            lock.unlock();
        }
    }

    /** The strategies this engine runs, in precedence order. */
    public List<RecoveryStrategy> strategies() {
        return strategies;
    }

    /** The nodes this engine watches, in the order it was given them. */
    public List<NodeSpec> nodes() {
        return nodes;
    }

    /** The options this engine runs with. */
    public RecoveryOptions options() {
        return options;
    }

    /** The engine's clock. */
    public Clock clock() {
        return clock;
    }

    /**
     * The lease the engine's last cycle acted (or stood by) under: for one of several engines given a
     * {@link EngineBuilder#coordination coordination}, active with its fencing epoch or standby with the reason; a
     * lone engine is always active. Waits for a running cycle.
     */
    public Lease lease() {
        lock.lock();
        try {
            return cycle.lease();
        } finally {
            lock.unlock();
        }
    }

    /**
     * How many more actions the cluster-wide action budget ({@code action_budget} per {@code action_budget_window})
     * allows now. Waits for a running cycle.
     */
    public int actionBudgetLeft() {
        lock.lock();
        try {
            return cycle.actionBudgetLeft();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Adds a listener of the engine's events after it was built (a metrics binder, an alert sink); it hears the
     * events from the next one on. Thread-safe.
     */
    public void addListener(RecoveryListener listener) {
        cycle.sink().addListener(listener);
    }

    /** Removes a listener added to this engine; whether it was there. Thread-safe. */
    public boolean removeListener(RecoveryListener listener) {
        return cycle.sink().removeListener(listener);
    }

    /** Adds a listener of the engine's journal appends (their latency and failures). Thread-safe. */
    public void addJournalListener(JournalAppendListener listener) {
        cycle.sink().addJournalListener(listener);
    }

    /** Removes a listener of journal appends; whether it was there. Thread-safe. */
    public boolean removeJournalListener(JournalAppendListener listener) {
        return cycle.sink().removeJournalListener(listener);
    }

    /** Stops the interval, waits for a running cycle, releases executors the engine created. Idempotent. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            if (next != null) {
                next.cancel(false);
            }
        } finally {
            lock.unlock();
        }
        for (ExecutorService e : owned) {
            e.shutdownNow();
        }
        if (ownsJournal) {
            cycle.sink().journal().close();
        }
    }

    static Map<String, RecoveryStrategy> byType(Collection<RecoveryStrategy> strategies) {
        Map<String, RecoveryStrategy> byType = new HashMap<>();
        for (RecoveryStrategy s : strategies) {
            RecoveryStrategy other = byType.putIfAbsent(s.type().name(), s);
            if (other != null) {
                throw new IllegalArgumentException("strategies '" + other.name() + "' and '" + s.name()
                        + "' both handle failure type " + s.type() + "; give the engine one of them");
            }
        }
        return byType;
    }

}
