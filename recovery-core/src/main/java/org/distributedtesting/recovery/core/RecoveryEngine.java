package org.distributedtesting.recovery.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.distributedtesting.recovery.ClusterHistory;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeObservation;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.RecoveryEvent;
import org.distributedtesting.recovery.RecoveryStrategy;
import org.distributedtesting.recovery.core.internal.EngineState;
import org.distributedtesting.recovery.core.internal.EventSink;
import org.distributedtesting.recovery.core.internal.FailureTracker.Detected;
import org.distributedtesting.recovery.core.internal.ProbeRunner;
import org.distributedtesting.recovery.core.internal.RecoveryLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a cluster and recovers it. One cycle: probe every node concurrently (each probe with a deadline) →
 * an immutable snapshot plus a bounded history → every strategy's detector → the planner's guards → the current
 * rung of each confirmed failure's ladder → verification by re-probing in later cycles → journal and listeners.
 *
 * <p>Run cycles by hand ({@link #runCycle()}), until the cluster settles ({@link #runUntilSettled(Duration)}), or on
 * an interval ({@link #start(Duration)}). Time comes from the injected {@link Clock} and {@link Sleeper}, so the engine
 * runs on virtual time in tests. Build with {@link #builder()}.
 *
 * <p>Thread-safe: one lock serializes cycles and guards all recovery state. {@link #close()} stops the interval,
 * waits for a running cycle, and shuts down the executors the engine created.
 */
public final class RecoveryEngine implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RecoveryEngine.class);

    private final List<NodeSpec> nodes;
    private final List<RecoveryStrategy> strategies;
    private final Clock clock;
    private final Sleeper sleeper;
    private final EngineState state;
    private final RecoveryLoop loop;
    private final ProbeRunner probes;
    private final EventSink sink;
    private final ScheduledExecutorService scheduler;
    private final List<ExecutorService> owned;
    private final boolean ownsJournal;

    private final ReentrantLock lock = new ReentrantLock(); // guards everything below and all of state/loop
    private final Deque<ClusterSnapshot> history = new ArrayDeque<>();
    private long cycle;
    private ScheduledFuture<?> next;
    private boolean closed;

    RecoveryEngine(EngineBuilder b) {
        this.nodes = List.copyOf(b.nodes);
        this.strategies = List.copyOf(b.strategies);
        this.clock = b.clock;
        this.sleeper = b.sleeper;
        this.owned = new ArrayList<>();
        this.scheduler = b.scheduler != null ? b.scheduler : own(Executors.newSingleThreadScheduledExecutor(
                threads("recovery-scheduler")));
        // a cached pool: every probe starts at once, so its deadline counts from when it was asked for, and a
        // probe that ignores its interrupt only strands its own thread, never the probes queued behind it
        var executor = b.probeExecutor != null ? b.probeExecutor : own(Executors.newCachedThreadPool(
                threads("recovery-probe")));
        this.sink = new EventSink(b.journal);
        this.ownsJournal = b.ownsJournal;
        b.listeners.forEach(sink::addListener);
        this.probes = new ProbeRunner(b.probe, b.supervisor, clock, executor, scheduler, b.options.probeTimeout());
        this.state = new EngineState(nodes, b.options, clock, b.control(), probes, sink);
        this.loop = new RecoveryLoop(state);
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
            return cycle();
        } finally {
            lock.unlock();
        }
    }

    private CycleReport cycle() {
        long start = System.nanoTime();
        Instant takenAt = clock.instant();
        Map<NodeId, NodeObservation> observations = probes.probeAll(nodes);
        long probed = System.nanoTime();
        ClusterSnapshot snapshot = new ClusterSnapshot(++cycle, takenAt, nodes, observations);
        ClusterHistory past = new ClusterHistory(List.copyOf(history));
        List<Detected> detected = detect(snapshot, past);
        long detectedAt = System.nanoTime();
        RecoveryLoop.Outcome outcome = loop.run(snapshot, past, detected);
        history.addLast(snapshot);
        while (history.size() > state.options().historySize()) {
            history.removeFirst();
        }
        List<Failure> failures = detected.stream().map(Detected::failure).toList();
        boolean stuck = outcome.awaitingVerification() == 0 && !failures.isEmpty()
                && failures.stream().allMatch(f -> f.nodes().stream().anyMatch(state::quarantined));
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        CycleReport report = new CycleReport(snapshot, failures, outcome.verified(), outcome.escalated(),
                outcome.rungsRun(), outcome.awaitingVerification(), stuck, Duration.ofNanos(probed - start),
                Duration.ofNanos(detectedAt - probed), elapsed);
        sink.publish(new RecoveryEvent.CycleCompleted(clock.instant(), snapshot, failures, elapsed));
        LOG.debug("cycle {}: {} reachable of {}, {} failures, {} rungs, {} awaiting verification, {} ms",
                cycle, snapshot.reachable().size(), nodes.size(), failures.size(), outcome.rungsRun(),
                outcome.awaitingVerification(), elapsed.toMillis());
        return report;
    }

    private List<Detected> detect(ClusterSnapshot snapshot, ClusterHistory past) {
        List<Detected> detected = new ArrayList<>();
        for (RecoveryStrategy strategy : strategies) {
            try {
                List<Failure> found = strategy.detector().detect(snapshot, past);
                for (Failure f : found) {
                    if (!f.type().equals(strategy.type())) {
                        LOG.warn("detector of '{}' reported a {} failure; only {} is its own, ignored",
                                strategy.name(), f.type(), strategy.type());
                        continue;
                    }
                    if (f.nodes().stream().anyMatch(n -> !state.knows(n))) {
                        LOG.warn("detector of '{}' named a node outside the cluster in {}; ignored",
                                strategy.name(), f.key());
                        continue;
                    }
                    detected.add(new Detected(f, strategy));
                }
            } catch (RuntimeException e) {
                LOG.warn("detector of strategy '{}' failed in cycle {}; treated as finding nothing",
                        strategy.name(), snapshot.cycle(), e);
            }
        }
        return detected;
    }

    /**
     * Runs cycles until the cluster is healthy, or stuck (every remaining failure is on quarantined nodes), or
     * {@code maxTime} has passed on the engine's clock. Between cycles it waits {@code verify_interval} through
     * the {@link Sleeper}.
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
                return new SettleReport(false, report.detected(), cycles, elapsed, report);
            }
            sleeper.sleep(state.options().verifyInterval());
        }
    }

    /**
     * Runs a cycle every {@code interval} on the scheduler, and every {@code verify_interval} while a failure is
     * being confirmed or a recovery awaits verification, until {@link #close()}.
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
            next = scheduler.schedule(() -> tick(interval), 0, TimeUnit.MILLISECONDS);
        } finally {
            lock.unlock();
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
                CycleReport report = cycle();
                if (!report.detected().isEmpty() && !report.stuck() || report.awaitingVerification() > 0) {
                    delay = interval.compareTo(state.options().verifyInterval()) < 0 ? interval : state.options().verifyInterval();
                }
            } catch (RuntimeException | Error e) {
                LOG.error("cycle {} failed; the engine goes on", cycle, e);
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
            Set<NodeId> q = new TreeSet<>();
            nodes.forEach(n -> {
                if (state.quarantined(n.id())) {
                    q.add(n.id());
                }
            });
            return q;
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
            return state.release(node);
        } finally {
            lock.unlock();
        }
    }

    /** The snapshots kept, oldest first, the latest cycle's included. */
    public ClusterHistory history() {
        lock.lock();
        try {
            return new ClusterHistory(List.copyOf(history));
        } finally {
            lock.unlock();
        }
    }

    /** The strategies this engine runs, in precedence order. */
    public List<RecoveryStrategy> strategies() {
        return strategies;
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
            sink.journal().close();
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
