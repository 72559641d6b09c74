package org.distributedtesting.recovery.core;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.NodeControl;
import org.distributedtesting.recovery.NodeProbe;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.RecoveryListener;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.RecoveryStrategy;
import org.distributedtesting.recovery.core.coordination.Coordination;
import org.distributedtesting.recovery.core.journal.InMemoryJournal;
import org.distributedtesting.recovery.core.journal.RecoveryJournal;
import org.distributedtesting.recovery.core.supervise.SupervisedNodeControl;
import org.distributedtesting.recovery.spi.ProcessSupervisor;

/**
 * Builds a {@link RecoveryEngine}. Required: {@link #nodes}, {@link #probe} and at least one strategy. Defaults:
 * {@link RecoveryOptions#defaults()}, the system clock and sleeper, an in-memory journal, executors the engine
 * creates and owns, and the ledger rebuilt from the journal's records ({@link #restoreFromJournal(boolean)}).
 *
 * <p>Not thread-safe; {@link #build()} copies what it needs.
 */
public final class EngineBuilder {

    List<NodeSpec> nodes = List.of();
    NodeProbe probe;
    NodeControl control;
    ProcessSupervisor supervisor;
    final List<RecoveryStrategy> strategies = new ArrayList<>();
    RecoveryOptions options = RecoveryOptions.defaults();
    RecoveryJournal journal;
    boolean ownsJournal;
    boolean restoreFromJournal = true;
    Coordination coordination;
    Clock clock = Clock.systemUTC();
    Sleeper sleeper = Sleeper.SYSTEM;
    LongSupplier ticker = System::nanoTime;
    ScheduledExecutorService scheduler;
    Executor probeExecutor;
    final List<RecoveryListener> listeners = new ArrayList<>();

    EngineBuilder() {
    }

    /** The cluster's nodes. */
    public EngineBuilder nodes(List<NodeSpec> nodes) {
        this.nodes = List.copyOf(nodes);
        return this;
    }

    /** How nodes are asked for their status. */
    public EngineBuilder probe(NodeProbe probe) {
        this.probe = Objects.requireNonNull(probe, "probe");
        return this;
    }

    /** How actions reach nodes. With a supervisor too, process actions go to the supervisor. */
    public EngineBuilder control(NodeControl control) {
        this.control = Objects.requireNonNull(control, "control");
        return this;
    }

    /** Who starts, stops and watches nodes' processes; tells a crash from a partition. */
    public EngineBuilder supervisor(ProcessSupervisor supervisor) {
        this.supervisor = Objects.requireNonNull(supervisor, "supervisor");
        return this;
    }

    /** Adds strategies. */
    public EngineBuilder strategies(Collection<? extends RecoveryStrategy> strategies) {
        strategies.forEach(s -> this.strategies.add(Objects.requireNonNull(s, "strategy")));
        return this;
    }

    /** Adds a strategy. */
    public EngineBuilder strategy(RecoveryStrategy strategy) {
        strategies.add(Objects.requireNonNull(strategy, "strategy"));
        return this;
    }

    /** The policy. */
    public EngineBuilder options(RecoveryOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        return this;
    }

    /**
     * Where actions are recorded; the caller keeps ownership and closes it. The engine rebuilds its ledger from the
     * records already in the journal when it is built (see {@link #restoreFromJournal(boolean)}), so an engine
     * restarted on the journal of the one before it keeps its attempt budgets, backoff, quarantines and action
     * budget.
     */
    public EngineBuilder journal(RecoveryJournal journal) {
        this.journal = Objects.requireNonNull(journal, "journal");
        return this;
    }

    /**
     * Whether the engine rebuilds its ledger from the journal's records when it is built; on by default. The attempts
     * per node and failure type since the node was last healthy for a whole {@code restart_cooldown} (and the backoff
     * they imply), open quarantines with their half-open time, releases, and the actions counted against the action
     * budget within its window carry over, with time from the records' timestamps against the engine's clock. A
     * record the rebuild cannot read is skipped with a warning; the rebuild never fails the build. Turn it off only
     * for a journal that is not this cluster's history (a test replaying someone else's records, say): without it, a
     * restarted engine gives a crash-looping node a fresh attempt budget on every restart.
     */
    public EngineBuilder restoreFromJournal(boolean restore) {
        this.restoreFromJournal = restore;
        return this;
    }

    /**
     * One of several engines (daemons on several hosts) watching this cluster: it probes, detects and journals every
     * cycle, but plans and acts only while {@code coordination} gives it the lease, and before every action it asks
     * again. On becoming active it rebuilds its ledger from the coordination's shared ledger (not from its own
     * journal), and while active it shares every record the ledger needs; on losing the lease it abandons its
     * recoveries in progress. Every journal record then names the instance, its role and epoch, and every change of
     * role is a {@link org.distributedtesting.recovery.RecoveryEvent.RoleChanged} event. The engine does not close
     * the coordination. Without one (the default) the engine is alone and always acts.
     */
    public EngineBuilder coordination(Coordination coordination) {
        this.coordination = Objects.requireNonNull(coordination, "coordination");
        return this;
    }

    /** The clock for every time decision. */
    public EngineBuilder clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    /**
     * The time source, in nanoseconds, that measures how long a cycle and its probing and detection take
     * ({@link CycleReport#elapsed()}, {@link org.distributedtesting.recovery.RecoveryEvent.CycleCompleted#elapsed()});
     * {@link System#nanoTime()} by default. A simulation passes its virtual time, so the durations it reports are
     * virtual and the same in every run (Caffeine's {@code Ticker}).
     *
     * @throws NullPointerException if {@code ticker} is null
     */
    public EngineBuilder ticker(LongSupplier ticker) {
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        return this;
    }

    /** How {@link RecoveryEngine#runUntilSettled} waits between cycles. */
    public EngineBuilder sleeper(Sleeper sleeper) {
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        return this;
    }

    /**
     * The scheduler for interval cycles, which run on its threads; the caller keeps ownership. Probe deadlines need
     * none of its threads: the cycle's own thread keeps them.
     */
    public EngineBuilder scheduler(ScheduledExecutorService scheduler) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        return this;
    }

    /**
     * Where blocking probes run, handed to {@link org.distributedtesting.recovery.NodeProbe#probeAsync}; the caller
     * keeps ownership. An asynchronous probe need not use it. {@code Runnable::run} probes one node after another on
     * the cycle thread (deterministic, for simulations whose probes never block). A bounded pool queues blocking
     * probes behind each other, and a probe's deadline counts from when it was asked for, not from when it got a
     * thread. Default: a cached pool the engine owns, so that every blocking probe starts at once.
     */
    public EngineBuilder probeExecutor(Executor executor) {
        this.probeExecutor = Objects.requireNonNull(executor, "executor");
        return this;
    }

    /** Adds a listener for the engine's events. */
    public EngineBuilder listener(RecoveryListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    NodeControl control() {
        NodeControl base = control != null ? control
                : action -> new ActionResult.Failed("no node control configured for action '" + action.name() + "'");
        return supervisor == null ? base
                : new SupervisedNodeControl(nodes, supervisor, base, SupervisedNodeControl.DEFAULT_STOP_GRACE);
    }

    /**
     * An engine.
     *
     * @throws IllegalStateException if nodes, probe or strategies are missing
     * @throws IllegalArgumentException if node ids repeat or two strategies share a failure type or a name
     */
    public RecoveryEngine build() {
        if (nodes.isEmpty()) {
            throw new IllegalStateException("nodes are required: give the engine at least one node");
        }
        if (probe == null) {
            throw new IllegalStateException("a probe is required: how should the engine ask nodes for status?");
        }
        if (strategies.isEmpty()) {
            throw new IllegalStateException("at least one strategy is required");
        }
        Set<Object> seen = new HashSet<>();
        for (NodeSpec node : nodes) {
            if (!seen.add(node.id())) {
                throw new IllegalArgumentException("node id '" + node.id() + "' appears twice");
            }
        }
        Set<String> names = new HashSet<>();
        for (RecoveryStrategy s : strategies) {
            if (!names.add(s.name())) {
                throw new IllegalArgumentException("two strategies are named '" + s.name() + "'");
            }
            if (s.rungs().isEmpty()) {
                throw new IllegalArgumentException("strategy '" + s.name() + "' has no rungs");
            }
        }
        RecoveryEngine.byType(strategies);
        strategies.sort((a, b) -> a.type().compareTo(b.type()));
        if (journal == null) {
            journal = new InMemoryJournal();
            ownsJournal = true;
        }
        return new RecoveryEngine(this);
    }
}
