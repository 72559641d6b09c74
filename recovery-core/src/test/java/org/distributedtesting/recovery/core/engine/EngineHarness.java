package org.distributedtesting.recovery.core.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.JournalRecord;
import org.distributedtesting.recovery.RecoveryEvent;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.RecoveryStrategy;
import org.distributedtesting.recovery.RungResult;
import org.distributedtesting.recovery.core.CycleReport;
import org.distributedtesting.recovery.core.RecoveryEngine;
import org.distributedtesting.recovery.core.coordination.Coordination;
import org.distributedtesting.recovery.core.journal.InMemoryJournal;

/** Wires an engine to a fake cluster on virtual time, and remembers what happened. */
public final class EngineHarness implements AutoCloseable {

    /** Options that make tests short: one-second steps everywhere. */
    public static final RecoveryOptions FAST = RecoveryOptions.builder()
            .confirmations(3)
            .verifyTimeout(Duration.ofSeconds(5))
            .verifyInterval(Duration.ofSeconds(1))
            .backoffInitial(Duration.ofSeconds(10))
            .backoffMax(Duration.ofSeconds(40))
            .nodeCooldown(Duration.ofSeconds(30))
            .restartCooldown(Duration.ofSeconds(60))
            .build();

    public final FakeCluster cluster;
    public final MutableClock clock;
    public final InMemoryJournal journal;
    public final List<RecoveryEvent> events = new ArrayList<>();
    public final RecoveryEngine engine;
    private final RecoveryOptions options;
    private final RecoveryStrategy[] strategies;

    public EngineHarness(int nodes, RecoveryOptions options, RecoveryStrategy... strategies) {
        this(new FakeCluster(nodes), MutableClock.atEpoch(), new InMemoryJournal(), options, strategies);
    }

    private EngineHarness(FakeCluster cluster, MutableClock clock, InMemoryJournal journal, RecoveryOptions options,
                          RecoveryStrategy... strategies) {
        this(cluster, clock, journal, options, null, strategies);
    }

    /** One of several engines on {@code cluster}, each with its own journal, coordinated by {@code coordination}. */
    public EngineHarness(FakeCluster cluster, MutableClock clock, RecoveryOptions options, Coordination coordination,
                         RecoveryStrategy... strategies) {
        this(cluster, clock, new InMemoryJournal(), options, coordination, strategies);
    }

    private EngineHarness(FakeCluster cluster, MutableClock clock, InMemoryJournal journal, RecoveryOptions options,
                          Coordination coordination, RecoveryStrategy... strategies) {
        this.cluster = cluster;
        this.clock = clock;
        this.journal = journal;
        this.options = options;
        this.strategies = strategies.clone();
        var builder = RecoveryEngine.builder()
                .nodes(cluster.specs)
                .probe(cluster)
                .control(cluster)
                .supervisor(cluster)
                .strategies(List.of(strategies))
                .options(options)
                .journal(journal)
                .clock(clock)
                .sleeper(clock.sleeper())
                .probeExecutor(Runnable::run)
                .listener(events::add);
        if (coordination != null) {
            builder.coordination(coordination);
        }
        engine = builder.build();
    }

    /**
     * Closes this engine and builds another on the same cluster, clock and journal, with the same options and
     * strategies: the engine's process restarted.
     */
    public EngineHarness restart() {
        engine.close();
        return new EngineHarness(cluster, clock, journal, options, strategies);
    }

    /** Runs one cycle, then lets {@code step} pass. */
    public CycleReport cycle(Duration step) {
        CycleReport report = engine.runCycle();
        clock.advance(step);
        return report;
    }

    /** Runs {@code n} cycles one second apart. */
    public CycleReport cycles(int n) {
        CycleReport last = null;
        for (int i = 0; i < n; i++) {
            last = cycle(Duration.ofSeconds(1));
        }
        return last;
    }

    public List<String> actions() {
        return journal.records().stream().map(JournalRecord::action).toList();
    }

    public List<JournalRecord> records(String action) {
        return journal.records(action);
    }

    public <T extends RecoveryEvent> List<T> events(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** A rung that restarts the failure's first node. */
    public static RungResult restartFirst(org.distributedtesting.recovery.Failure f,
                                   org.distributedtesting.recovery.RecoveryContext c) {
        var result = c.perform(new Action.Restart(f.nodes().get(0)), f.summary());
        return result.done() ? RungResult.acted(result.detail()) : RungResult.failed(result.detail());
    }

    @Override
    public void close() {
        engine.close();
    }
}
