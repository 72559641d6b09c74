package org.distributedtesting.recovery.core.sim.harness;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.RecoveryEvent;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.RecoveryStrategy;
import org.distributedtesting.recovery.core.CycleReport;
import org.distributedtesting.recovery.core.RecoveryEngine;
import org.distributedtesting.recovery.core.SettleReport;
import org.distributedtesting.recovery.core.journal.InMemoryJournal;
import org.distributedtesting.recovery.core.sim.SimulatedCluster;

/**
 * A recovery engine bound to a {@link SimulatedCluster}, with an in-memory journal and a record of every event:
 * the one object a test needs to run recovery on the simulator and look at what it did.
 *
 * <pre>{@code
 * SimulatedCluster cluster = SimulatedCluster.builder().nodes(5).seed(7).build();
 * NodeId leader = cluster.awaitLeader(Duration.ofSeconds(10)).orElseThrow();
 * cluster.crash(follower);
 * try (SimulatedRecovery recovery = SimulatedRecovery.of(cluster, List.of(strategy), RecoveryOptions.defaults())) {
 *     SettleReport report = recovery.runUntilHealthy(Duration.ofMinutes(5));
 *     assertThat(report.healthy()).isTrue();
 *     assertThat(recovery.journal().records("restart_node")).hasSize(1);
 * }
 * }</pre>
 *
 * <p>Engine cycles run on the calling thread; waiting between them advances the cluster's virtual time, so a
 * run of ten virtual minutes takes milliseconds. A recovery stays listed in {@link #openOn(SimulatedCluster)}
 * until it is closed, which lets the JUnit extension show its journal when a test fails and close it afterwards;
 * close it yourself when you build one outside the extension.
 *
 * <p>Thread-safe: the engine serializes cycles, the journal and the event list are synchronized.
 */
public final class SimulatedRecovery implements AutoCloseable {

    // every recovery not yet closed, per cluster; guarded by itself
    private static final Map<SimulatedCluster, List<SimulatedRecovery>> OPEN = new IdentityHashMap<>();

    private final SimulatedCluster cluster;
    private final RecoveryOptions options;
    private final InMemoryJournal journal = new InMemoryJournal();
    private final List<RecoveryEvent> events = Collections.synchronizedList(new ArrayList<>());
    private final RecoveryEngine engine;
    private boolean closed; // guarded by this

    private SimulatedRecovery(SimulatedCluster cluster, List<? extends RecoveryStrategy> strategies,
                              RecoveryOptions options) {
        this.cluster = cluster;
        this.options = options;
        this.engine = cluster.engine().strategies(strategies).options(options).journal(journal)
                .listener(events::add).build();
    }

    /**
     * A recovery engine on {@code cluster} running {@code strategies} under {@code options}.
     *
     * @throws NullPointerException if any argument is null
     * @throws IllegalStateException if {@code strategies} is empty
     * @throws IllegalArgumentException if two strategies share a name or a failure type
     */
    public static SimulatedRecovery of(SimulatedCluster cluster, List<? extends RecoveryStrategy> strategies,
                                       RecoveryOptions options) {
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(strategies, "strategies");
        Objects.requireNonNull(options, "options");
        SimulatedRecovery recovery = new SimulatedRecovery(cluster, strategies, options);
        synchronized (OPEN) {
            OPEN.computeIfAbsent(cluster, c -> new ArrayList<>()).add(recovery);
        }
        return recovery;
    }

    /** The recoveries built on {@code cluster} and not closed yet, oldest first. */
    public static List<SimulatedRecovery> openOn(SimulatedCluster cluster) {
        Objects.requireNonNull(cluster, "cluster");
        synchronized (OPEN) {
            return List.copyOf(OPEN.getOrDefault(cluster, List.of()));
        }
    }

    /**
     * Runs engine cycles, {@code verify_interval} (one virtual second by default) apart, until a cycle sees a
     * healthy cluster, every remaining failure sits on a quarantined node, or {@code virtualMax} of virtual time
     * has passed. See {@link RecoveryEngine#runUntilSettled(Duration)}.
     *
     * <p><b>Healthy</b> is what the engine's strategies see in one cycle, not the simulator's ground truth: no
     * strategy's detector reports a failure (confirmed or not yet), none sees one forming (a signal that must last
     * before it is reported, such as a disk above its threshold), no recovery whose rung acted is still awaiting
     * verification, and no node the engine started is still awaiting its first answer. So a fault no strategy
     * detects (an isolated node with only a crash strategy running) is healthy, and a healthy report does not mean
     * that followers have caught up: advance the cluster a moment and use the cluster assertions
     * ({@code hasSingleLeader()}, {@code hasNoDivergence()}, {@code hasNoInvariantViolations()}) for the ground
     * truth. {@link SettleReport#healthy()} is false when the time ran out or the engine is stuck; then
     * {@link SettleReport#remaining()} lists what was left.
     *
     * @throws IllegalArgumentException if {@code virtualMax} is negative
     * @throws IllegalStateException if closed
     */
    public SettleReport runUntilHealthy(Duration virtualMax) {
        requireNotNegative(virtualMax);
        requireOpen();
        try {
            return engine.runUntilSettled(virtualMax);
        } catch (InterruptedException e) {
            // the simulated sleeper never blocks, so only a caller's interrupt gets here; keep it visible
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running the engine on the simulated cluster", e);
        }
    }

    /**
     * Runs engine cycles {@code verify_interval} apart for {@code virtual} of virtual time, whatever the cluster's
     * state, for tests that check what the engine does not do, or what it does over a span of time.
     *
     * @return the last cycle's report
     * @throws IllegalArgumentException if {@code virtual} is negative
     * @throws IllegalStateException if closed
     */
    public CycleReport runFor(Duration virtual) {
        requireNotNegative(virtual);
        requireOpen();
        long end = cluster.clock().millis() + virtual.toMillis();
        CycleReport last = engine.runCycle();
        while (cluster.clock().millis() + options.verifyInterval().toMillis() <= end) {
            cluster.advance(options.verifyInterval());
            last = engine.runCycle();
        }
        return last;
    }

    /**
     * Runs one engine cycle now, without advancing time.
     *
     * @throws IllegalStateException if closed
     */
    public CycleReport runCycle() {
        requireOpen();
        return engine.runCycle();
    }

    /** The cluster. */
    public SimulatedCluster cluster() {
        return cluster;
    }

    /** The engine, for what this facade does not cover (releasing a node, its history). */
    public RecoveryEngine engine() {
        return engine;
    }

    /** The engine's policy. */
    public RecoveryOptions options() {
        return options;
    }

    /** The engine's journal. */
    public InMemoryJournal journal() {
        return journal;
    }

    /** Every event the engine published, in order, cycle completions included. */
    public List<RecoveryEvent> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    /** The events of one kind, in order, for example {@code events(RecoveryEvent.Escalated.class)}. */
    public <E extends RecoveryEvent> List<E> events(Class<E> type) {
        Objects.requireNonNull(type, "type");
        return events().stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** Nodes the engine quarantined after escalating. */
    public Set<NodeId> quarantined() {
        return engine.quarantined();
    }

    /** Closes the engine and forgets this recovery. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        engine.close();
        synchronized (OPEN) {
            List<SimulatedRecovery> open = OPEN.get(cluster);
            if (open != null) {
                open.remove(this);
                if (open.isEmpty()) {
                    OPEN.remove(cluster);
                }
            }
        }
    }

    private synchronized void requireOpen() {
        if (closed) {
            throw new IllegalStateException("this simulated recovery is closed; build another");
        }
    }

    private static void requireNotNegative(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("duration must be >= 0, but was " + duration);
        }
    }

    @Override
    public String toString() {
        return "SimulatedRecovery[" + engine.strategies().stream().map(RecoveryStrategy::name).toList() + ", "
                + journal.records().size() + " journal records]";
    }
}
