package org.distributedtesting.recovery.core.monitor;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.distributedtesting.recovery.ActionKind;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeObservation;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.RecoveryEvent;
import org.distributedtesting.recovery.RecoveryListener;
import org.distributedtesting.recovery.RecoveryStrategy;
import org.distributedtesting.recovery.Role;
import org.distributedtesting.recovery.Severity;
import org.distributedtesting.recovery.core.RecoveryEngine;
import org.distributedtesting.recovery.core.journal.JournalAppendListener;

/**
 * The engine's meters in any Micrometer {@link MeterRegistry}: what it detected, how its recoveries ended and how long
 * they took, every action and its outcome, quarantines, the action budget, each node as the last cycle saw it, and the
 * engine's own pace (cycle time, time since the last cycle, journal latency). One call binds them:
 *
 * <pre>{@code
 * RecoveryMetrics.bind(engine, registry);   // or new RecoveryMetrics(engine).bindTo(registry), a MeterBinder
 * }</pre>
 *
 * <p>Names follow Micrometer's dotted convention under {@value #PREFIX}; a Prometheus registry shows them with
 * underscores, base units and {@code _total} for counters ({@code coordinator_recovery_failures_detected_total}). The
 * README lists every meter. Labels are bounded: failure types (the engine's strategies), node ids (the engine's
 * nodes), severities, roles, action kinds and outcomes are closed sets, and guard names are cut off after
 * {@value #MAX_GUARD_NAMES}; no message or evidence ever becomes a label. Meters whose label values are known in
 * advance are registered at zero when bound, so that a rate over them counts their first increment.
 *
 * <p>All values are updated from the engine's events, on its cycle thread; a scrape only reads them and never waits
 * for a cycle. Thread-safe.
 */
public final class RecoveryMetrics implements MeterBinder, RecoveryListener, JournalAppendListener, AutoCloseable {

    /** The prefix of every meter's name. */
    public static final String PREFIX = "coordinator.recovery";
    /** At most this many guard names become label values of refused actions; later ones count as {@code other}. */
    public static final int MAX_GUARD_NAMES = 32;

    /** Buckets of the time-to-recover histogram: from a restart's seconds to a partition's half hour. */
    private static final Duration[] RECOVERY_BUCKETS = seconds(1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800);
    /** Buckets of the cycle-duration histogram: a healthy cycle takes milliseconds, one with a repair seconds. */
    private static final Duration[] CYCLE_BUCKETS = millis(5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000,
            30000, 120000);
    /** Buckets of the journal-append histogram: an fsync on an SSD takes about a millisecond. */
    private static final Duration[] JOURNAL_BUCKETS = millis(1, 2, 5, 10, 25, 50, 100, 250, 1000);
    private static final String NONE = "none";
    private static final String OTHER = "other";

    private final RecoveryEngine engine;
    private final Clock clock;
    private final Instant boundAt;
    private final Map<String, NodeGauges> nodes = new LinkedHashMap<>();
    /** Confirmed failures not yet verified, escalated or cleared, by key, with when they were first seen. */
    private final Map<String, OpenFailure> open = new ConcurrentHashMap<>();
    private final Set<String> guards = ConcurrentHashMap.newKeySet();
    private final List<Meter> meters = new ArrayList<>();

    private volatile MeterRegistry registry;
    // the meters every cycle updates, looked up once: a registry lookup per node and cycle cost tens of ms at 1,000
    private volatile Counter cycles;
    private volatile Timer cycleDuration;
    private volatile Timer journalAppend;
    private volatile Counter journalFailures;
    private volatile Instant lastCycle;
    private volatile int quarantined;
    private volatile int budgetLeft;
    private volatile boolean active;
    private volatile long epoch;

    /**
     * Meters of {@code engine}, not yet bound: {@link #bindTo(MeterRegistry)} registers them and starts listening.
     *
     * @throws NullPointerException if {@code engine} is null
     */
    public RecoveryMetrics(RecoveryEngine engine) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.clock = engine.clock();
        this.boundAt = clock.instant();
        for (NodeSpec node : engine.nodes()) {
            nodes.put(node.id().value(), new NodeGauges());
        }
    }

    /** Binds {@code engine}'s meters to {@code registry} in one call; {@link #close()} removes them again. */
    public static RecoveryMetrics bind(RecoveryEngine engine, MeterRegistry registry) {
        RecoveryMetrics metrics = new RecoveryMetrics(engine);
        metrics.bindTo(registry);
        return metrics;
    }

    /**
     * Registers every meter in {@code registry} and starts listening to the engine.
     *
     * @throws IllegalStateException if already bound (bind one instance per registry; a composite registry
     *                               publishes to several)
     */
    @Override
    public synchronized void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        if (this.registry != null) {
            throw new IllegalStateException("these metrics are bound already; create one RecoveryMetrics per registry");
        }
        this.registry = registry;
        quarantined = engine.quarantined().size();
        budgetLeft = engine.actionBudgetLeft();
        active = engine.lease().active();
        epoch = engine.lease().epoch();
        List<FailureType> types = engine.strategies().stream().map(RecoveryStrategy::type).toList();
        for (FailureType type : types) {
            for (Severity severity : Severity.values()) {
                failuresDetected(type.name(), severity);
            }
            for (String outcome : List.of("verified", "escalated", "cleared")) {
                recoveries(type.name(), outcome);
            }
            escalations(type.name());
            timeToRecover(type.name());
            String name = type.name();
            add(Gauge.builder(PREFIX + ".open.failures", open, o -> countOpen(o, name))
                    .tag("type", name).description("confirmed failures whose recovery has not ended").register(registry));
            add(Gauge.builder(PREFIX + ".open.recovery.age", open, o -> oldestOpen(o, name))
                    .tag("type", name).baseUnit("seconds")
                    .description("age of the oldest confirmed failure of the type not yet recovered, escalated or"
                            + " cleared, from when it was first seen (0 when there is none)").register(registry));
        }
        for (ActionKind kind : ActionKind.values()) {
            for (ActionResult.Outcome outcome : List.of(ActionResult.Outcome.DONE, ActionResult.Outcome.FAILED)) {
                actions(kind.journalName(), outcome.journalName(), NONE);
            }
        }
        nodes.forEach(this::registerNode);
        add(Gauge.builder(PREFIX + ".quarantined.nodes", this, m -> m.quarantined)
                .description("nodes quarantined after an escalation: no action touches them until they are released")
                .register(registry));
        add(Gauge.builder(PREFIX + ".action.budget.remaining", this, m -> m.budgetLeft)
                .description("actions the cluster-wide action budget still allows in its window").register(registry));
        add(Gauge.builder(PREFIX + ".action.budget.limit", engine, e -> e.options().actionBudget())
                .description("the cluster-wide action budget: actions per action_budget_window").register(registry));
        add(Gauge.builder(PREFIX + ".verify.timeout", engine, e -> e.options().verifyTimeout().toNanos() / 1e9)
                .baseUnit("seconds").description("how long a rung's recovery may take to verify").register(registry));
        add(Gauge.builder(PREFIX + ".last.cycle.age", this, RecoveryMetrics::lastCycleAge).baseUnit("seconds")
                .description("time since the last completed cycle (since the metrics were bound, before the first)")
                .register(registry));
        add(Gauge.builder(PREFIX + ".active", this, m -> m.active ? 1 : 0)
                .description("1 when this engine plans and acts, 0 when it is a standby of several on one cluster"
                        + " (a lone engine is always 1)").register(registry));
        add(Gauge.builder(PREFIX + ".fencing.epoch", this, m -> m.epoch)
                .description("the fencing epoch this engine acts under (the last it held when standby; 0 for a lone"
                        + " engine)").register(registry));
        cycles = cycles();
        cycleDuration = cycleDuration();
        journalAppend = journalAppend();
        journalFailures = journalFailures();
        engine.addListener(this);
        engine.addJournalListener(this);
    }

    /** Stops listening and removes every meter this bound from its registry. Idempotent. */
    @Override
    public synchronized void close() {
        engine.removeListener(this);
        engine.removeJournalListener(this);
        MeterRegistry r = registry;
        if (r != null) {
            meters.forEach(r::remove);
            meters.clear();
        }
    }

    @Override
    public void onEvent(RecoveryEvent event) {
        MeterRegistry r = registry;
        if (r == null) {
            return;
        }
        switch (event.kind()) {
            case FAILURE_CONFIRMED -> {
                var e = (RecoveryEvent.FailureConfirmed) event;
                failuresDetected(e.failure().type().name(), e.failure().severity()).increment();
                open.putIfAbsent(e.failure().key(), new OpenFailure(e.failure().type().name(), e.firstSeen()));
            }
            case ACTION_TAKEN -> {
                var e = (RecoveryEvent.ActionTaken) event;
                String guard = e.result() instanceof ActionResult.Refused refused ? guard(refused.guard()) : NONE;
                actions(e.action().kind().journalName(), e.result().outcome().journalName(), guard).increment();
            }
            case RECOVERY_VERIFIED -> {
                var e = (RecoveryEvent.RecoveryVerified) event;
                recoveries(e.failure().type().name(), "verified").increment();
                timeToRecover(e.failure().type().name()).record(e.sinceDetected());
                open.remove(e.failure().key());
            }
            case FAILURE_CLEARED -> {
                var e = (RecoveryEvent.FailureCleared) event;
                recoveries(e.failure().type().name(), "cleared").increment();
                open.remove(e.failure().key());
            }
            case ESCALATED -> {
                var e = (RecoveryEvent.Escalated) event;
                escalations(e.failure().type().name()).increment();
                recoveries(e.failure().type().name(), "escalated").increment();
                open.remove(e.failure().key());
            }
            case NODE_QUARANTINED, NODE_HALF_OPEN, NODE_RELEASED -> quarantined = engine.quarantined().size();
            case CYCLE_COMPLETED -> {
                var e = (RecoveryEvent.CycleCompleted) event;
                cycles.increment();
                cycleDuration.record(e.elapsed());
                nodesSeen(e.snapshot());
                quarantined = engine.quarantined().size();
                budgetLeft = engine.actionBudgetLeft();
                lastCycle = e.at();
            }
            case ROLE_CHANGED -> {
                var e = (RecoveryEvent.RoleChanged) event;
                active = e.active();
                epoch = e.epoch();
            }
            case RUNG_ATTEMPTED, RUNG_FAILED, RECOVERY_DEFERRED, RECOVERY_PREEMPTED, ACTION_BUDGET_EXHAUSTED -> {
                // the actions they led to are counted; a spent budget shows in action.budget.remaining
            }
        }
    }

    @Override
    public void appended(Duration took) {
        if (registry != null) {
            journalAppend.record(took);
        }
    }

    @Override
    public void appendFailed(Duration took, RuntimeException error) {
        if (registry != null) {
            journalFailures.increment();
        }
    }

    private void nodesSeen(ClusterSnapshot snapshot) {
        long reference = referenceCommitIndex(snapshot);
        for (Map.Entry<NodeId, NodeObservation> entry : snapshot.observations().entrySet()) {
            NodeGauges gauges = nodes.get(entry.getKey().value());
            if (gauges == null) {
                continue;
            }
            if (entry.getValue() instanceof NodeObservation.Reachable reachable) {
                NodeStatus status = reachable.status();
                gauges.reachable = 1;
                gauges.role = status.role();
                gauges.term = status.term() < 0 ? Double.NaN : status.term();
                gauges.lag = reference < 0 || status.appliedIndex() < 0 ? Double.NaN
                        : Math.max(0, reference - status.appliedIndex());
                gauges.probeLatency.record(reachable.latency());
            } else {
                gauges.reachable = 0;
                gauges.role = Role.UNKNOWN;
                gauges.lag = Double.NaN; // the term it last reported stays: terms never go down
            }
        }
    }

    /** The commit index of the leader with the highest term, or the highest one reported when no leader answers. */
    private static long referenceCommitIndex(ClusterSnapshot snapshot) {
        long leaderTerm = -1;
        long leaderCommit = -1;
        long highest = -1;
        for (NodeId id : snapshot.reachable()) {
            Optional<NodeStatus> status = snapshot.status(id);
            if (status.isEmpty()) {
                continue;
            }
            NodeStatus s = status.get();
            highest = Math.max(highest, s.commitIndex());
            if (s.role() == Role.LEADER && s.term() > leaderTerm) {
                leaderTerm = s.term();
                leaderCommit = s.commitIndex();
            }
        }
        return leaderCommit >= 0 ? leaderCommit : highest;
    }

    private void registerNode(String node, NodeGauges gauges) {
        MeterRegistry r = registry;
        add(Gauge.builder(PREFIX + ".node.reachable", gauges, g -> g.reachable).tag("node", node)
                .description("1 when the node answered its last probe, 0 when it did not").register(r));
        add(Gauge.builder(PREFIX + ".node.term", gauges, g -> g.term).tag("node", node)
                .description("the Raft term the node last reported").register(r));
        add(Gauge.builder(PREFIX + ".node.applied.lag", gauges, g -> g.lag).tag("node", node).baseUnit("entries")
                .description("the leader's commit index minus the node's applied index, as last seen")
                .register(r));
        for (Role role : Role.values()) {
            add(Gauge.builder(PREFIX + ".node.role", gauges, g -> g.role == role ? 1 : 0)
                    .tags(Tags.of("node", node, "role", role.name().toLowerCase(java.util.Locale.ROOT)))
                    .description("1 for the role the node last reported (unknown when it did not answer)")
                    .register(r));
        }
        gauges.probeLatency = probeLatency(node);
    }

    private Counter failuresDetected(String type, Severity severity) {
        return add(Counter.builder(PREFIX + ".failures.detected")
                .tags("type", type, "severity", severity.name().toLowerCase(java.util.Locale.ROOT))
                .description("failures confirmed (seen in confirmations consecutive cycles)").register(registry));
    }

    private Counter recoveries(String type, String outcome) {
        return add(Counter.builder(PREFIX + ".recoveries").tags("type", type, "outcome", outcome)
                .description("recoveries ended: verified, escalated, or cleared (the failure went away by itself)")
                .register(registry));
    }

    private Counter escalations(String type) {
        return add(Counter.builder(PREFIX + ".escalations").tag("type", type)
                .description("recoveries given up: the nodes are quarantined and people must look")
                .register(registry));
    }

    private Timer timeToRecover(String type) {
        return add(Timer.builder(PREFIX + ".time.to.recover").tag("type", type)
                .serviceLevelObjectives(RECOVERY_BUCKETS).minimumExpectedValue(RECOVERY_BUCKETS[0])
                .maximumExpectedValue(RECOVERY_BUCKETS[RECOVERY_BUCKETS.length - 1])
                .description("from when a failure was first seen to its verified recovery").register(registry));
    }

    private Counter actions(String action, String outcome, String guard) {
        return add(Counter.builder(PREFIX + ".actions").tags("action", action, "outcome", outcome, "guard", guard)
                .description("actions through the guards: done, failed, refused (by the guard named) or planned"
                        + " (dry run)").register(registry));
    }

    private Timer probeLatency(String node) {
        return add(Timer.builder(PREFIX + ".node.probe.latency").tag("node", node)
                .description("time a node took to answer its status probe").register(registry));
    }

    private Counter cycles() {
        return add(Counter.builder(PREFIX + ".cycles").description("engine cycles completed").register(registry));
    }

    private Timer cycleDuration() {
        return add(Timer.builder(PREFIX + ".cycle.duration").serviceLevelObjectives(CYCLE_BUCKETS)
                .description("wall time of one engine cycle: probes, detection, actions").register(registry));
    }

    private Timer journalAppend() {
        return add(Timer.builder(PREFIX + ".journal.append").serviceLevelObjectives(JOURNAL_BUCKETS)
                .description("time to append one journal record durably (forced to disk)").register(registry));
    }

    private Counter journalFailures() {
        return add(Counter.builder(PREFIX + ".journal.append.failures")
                .description("journal appends that failed: the record may not be durable").register(registry));
    }

    /** Remembers a meter for {@link #close()}; registering an existing one returns it, so this is idempotent. */
    private <M extends Meter> M add(M meter) {
        synchronized (meters) {
            if (!meters.contains(meter)) {
                meters.add(meter);
            }
        }
        return meter;
    }

    private String guard(String name) {
        // events come one at a time from the cycle thread, so the size check and the add do not race
        if (guards.contains(name) || guards.size() < MAX_GUARD_NAMES && guards.add(name)) {
            return name;
        }
        return OTHER;
    }

    private double lastCycleAge() {
        Instant last = lastCycle;
        return Duration.between(last == null ? boundAt : last, clock.instant()).toNanos() / 1e9;
    }

    private static double countOpen(Map<String, OpenFailure> open, String type) {
        return open.values().stream().filter(f -> f.type().equals(type)).count();
    }

    private double oldestOpen(Map<String, OpenFailure> open, String type) {
        Instant now = clock.instant();
        return open.values().stream().filter(f -> f.type().equals(type))
                .mapToDouble(f -> Duration.between(f.firstSeen(), now).toNanos() / 1e9).max().orElse(0);
    }

    private static Duration[] seconds(long... values) {
        Duration[] d = new Duration[values.length];
        for (int i = 0; i < values.length; i++) {
            d[i] = Duration.ofSeconds(values[i]);
        }
        return d;
    }

    private static Duration[] millis(long... values) {
        Duration[] d = new Duration[values.length];
        for (int i = 0; i < values.length; i++) {
            d[i] = Duration.of(values[i], java.time.temporal.ChronoUnit.MILLIS);
        }
        return d;
    }

    private record OpenFailure(String type, Instant firstSeen) {
    }

    /** What the last cycle saw of one node; written on the cycle thread, read by scrapes. */
    private static final class NodeGauges {
        volatile double reachable = Double.NaN;
        volatile Role role = Role.UNKNOWN;
        volatile double term = Double.NaN;
        volatile double lag = Double.NaN;
        volatile Timer probeLatency;
    }
}
