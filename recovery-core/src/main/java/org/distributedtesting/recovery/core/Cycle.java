package org.distributedtesting.recovery.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executor;
import org.distributedtesting.recovery.ClusterHistory;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.JournalRecord;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeObservation;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.RecoveryEvent;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.RecoveryStrategy;
import org.distributedtesting.recovery.core.act.ColdStart;
import org.distributedtesting.recovery.core.act.LadderRunner;
import org.distributedtesting.recovery.core.coordination.Coordination;
import org.distributedtesting.recovery.core.coordination.CoordinationException;
import org.distributedtesting.recovery.core.coordination.Lease;
import org.distributedtesting.recovery.core.detect.Damping;
import org.distributedtesting.recovery.core.detect.Damping.Detected;
import org.distributedtesting.recovery.core.detect.Damping.Tracked;
import org.distributedtesting.recovery.core.detect.DetectorPass;
import org.distributedtesting.recovery.core.detect.StartupGrace;
import org.distributedtesting.recovery.core.guard.Guards;
import org.distributedtesting.recovery.core.plan.Planner;
import org.distributedtesting.recovery.core.probe.ProbeRunner;
import org.distributedtesting.recovery.core.report.CoordinatedJournal;
import org.distributedtesting.recovery.core.report.EventSink;
import org.distributedtesting.recovery.core.state.ActiveRecovery;
import org.distributedtesting.recovery.core.state.Authority;
import org.distributedtesting.recovery.core.state.EngineState;
import org.distributedtesting.recovery.core.state.LedgerRebuild;
import org.distributedtesting.recovery.core.state.Quarantine;
import org.distributedtesting.recovery.core.state.Recoveries;
import org.distributedtesting.recovery.core.verify.Verifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One engine cycle, stage after stage: probe every node → snapshot and history → detect (findings on a node the
 * engine just started held back until it answers) → verify the rungs that
 * acted in earlier cycles → damping (confirm, or clear what is gone) → for each confirmed failure in precedence
 * order, plan and act → the cycle's report. Each stage lives in the package named for it; this class only hands one
 * stage's output to the next.
 *
 * <p>Not thread-safe; the engine's cycle lock guards it.
 */
final class Cycle {

    private static final Logger LOG = LoggerFactory.getLogger(Cycle.class);

    private final List<NodeSpec> nodes;
    private final Clock clock;
    private final java.util.function.LongSupplier ticker;
    private final RecoveryOptions options;
    private final EventSink sink;
    private final ProbeRunner probes;
    private final DetectorPass detectors;
    private final Damping damping;
    private final StartupGrace startupGrace;
    private final EngineState state;
    private final Recoveries recoveries;
    private final Quarantine quarantine;
    private final Verifier verifier;
    private final Planner planner;
    private final Authority authority;
    private final ColdStart coldStart;
    private final List<FailureType> types;
    private final Deque<ClusterSnapshot> history = new ArrayDeque<>();
    private long cycle;

    Cycle(EngineBuilder b, Executor probeExecutor) {
        this.nodes = List.copyOf(b.nodes);
        this.clock = b.clock;
        this.ticker = b.ticker;
        this.options = b.options;
        this.authority = b.coordination == null ? Authority.alone() : Authority.of(b.coordination);
        this.sink = new EventSink(authority.coordinated() ? new CoordinatedJournal(b.journal, authority) : b.journal);
        b.listeners.forEach(sink::addListener);
        this.probes = new ProbeRunner(b.probe, b.supervisor, clock, probeExecutor, options.probeTimeout());
        this.state = new EngineState(nodes, options, clock);
        this.types = b.strategies.stream().map(RecoveryStrategy::type).toList();
        // one of several engines takes the shared ledger when it becomes active, not its own journal's
        if (b.restoreFromJournal && !authority.coordinated()) {
            LedgerRebuild.restore(b.journal.records(), state, types);
        }
        this.detectors = new DetectorPass(b.strategies, state::knows);
        this.damping = new Damping(sink);
        this.startupGrace = new StartupGrace(state);
        Recoveries recoveries = new Recoveries(state, sink);
        this.quarantine = new Quarantine(state, recoveries, sink);
        Guards guards = new Guards(state, recoveries, quarantine, authority);
        this.verifier = new Verifier(state, recoveries, quarantine, sink);
        var control = b.control();
        LadderRunner ladder = new LadderRunner(state, recoveries, quarantine, guards, control, probes, sink);
        this.coldStart = new ColdStart(state, control, sink);
        this.planner = new Planner(state, recoveries, quarantine, guards, ladder, sink);
        this.recoveries = recoveries;
    }

    /** Runs one cycle. */
    CycleReport run() {
        long start = ticker.getAsLong();
        Instant takenAt = clock.instant();
        Map<NodeId, NodeObservation> observations = probes.probeAll(nodes);
        long probed = ticker.getAsLong();
        ClusterSnapshot snapshot = new ClusterSnapshot(++cycle, takenAt, nodes, observations);
        ClusterHistory past = new ClusterHistory(List.copyOf(history));
        Instant now = clock.instant();
        state.updateStarting(observations, now);
        // a node this engine just started is coming up, not failing, until it answers
        List<Detected> detected = startupGrace.holdBack(detectors.detect(snapshot, past), now);
        long detectedAt = ticker.getAsLong();
        List<Failure> failures = detected.stream().map(Detected::failure).toList();

        authority.observe().ifPresent(lease -> takeRole(lease, now));
        state.suspects(failures);
        if (authority.acting()) {
            quarantine.updateHealth(now); // a standby's ledger is rebuilt from the shared one when it becomes active
            coldStart.startNeverStarted(observations, now); // a start, not a recovery: the crash detector skips them
        }
        Verifier.Verified verified = verifier.verify(snapshot, past, damping::tracks, now);
        verified.verified().forEach(f -> damping.forget(f.key()));
        for (Tracked gone : damping.update(detected, snapshot, now)) {
            recoveries.gone(gone.failure(), gone.announced(), now);
        }
        List<Failure> escalated = new ArrayList<>(verified.escalated());
        int rungs = 0;
        // every failure confirmed in this cycle is announced before any rung runs, so that the timeline reads in
        // the order of its times (a confirmation carries the cycle's time, a rung the time it ended)
        for (Tracked tracked : damping.inPrecedenceOrder()) {
            if (tracked.confirmed(options.confirmations())) {
                damping.announce(tracked, now);
            }
        }
        for (Tracked tracked : damping.inPrecedenceOrder()) {
            if (!tracked.confirmed(options.confirmations())) {
                continue;
            }
            if (!authority.acting()) {
                continue; // a standby journals what it sees and acts on nothing
            }
            Planner.Planned planned = planner.plan(tracked, snapshot, past, damping::tracks, now);
            rungs += planned.rungRun() ? 1 : 0;
            planned.escalated().ifPresent(escalated::add);
        }
        // a node just started counts until it answers: the cluster is not healthy while it comes up
        int awaiting = recoveries.awaitingVerification() + coldStart.awaitingAnswer();

        history.addLast(snapshot);
        while (history.size() > options.historySize()) {
            history.removeFirst();
        }
        // only asked of a cycle that found nothing: a failure found keeps the cluster unhealthy anyway
        List<Failure> forming = failures.isEmpty() ? detectors.forming(snapshot, past) : List.of();
        boolean stuck = awaiting == 0 && !failures.isEmpty()
                && failures.stream().allMatch(f -> f.nodes().stream().anyMatch(state::quarantined));
        Duration elapsed = Duration.ofNanos(ticker.getAsLong() - start);
        CycleReport report = new CycleReport(snapshot, failures, forming, verified.verified(), escalated, rungs,
                awaiting, stuck, Duration.ofNanos(probed - start), Duration.ofNanos(detectedAt - probed), elapsed);
        sink.emit(new RecoveryEvent.CycleCompleted(clock.instant(), snapshot, failures, elapsed));
        LOG.debug("cycle {}: {} reachable of {}, {} failures, {} rungs, {} awaiting verification, {} ms",
                cycle, snapshot.reachable().size(), nodes.size(), failures.size(), rungs, awaiting,
                elapsed.toMillis());
        return report;
    }

    /**
     * One of several engines changes role. Becoming active: the ledger is rebuilt from the shared one (when it cannot
     * be read this engine stays a standby, and tries again next cycle). Becoming a standby: the recoveries in progress
     * are abandoned; the next active engine confirms their failures afresh.
     */
    private void takeRole(Lease lease, Instant now) {
        Coordination coordination = authority.coordination().orElseThrow();
        String reason = lease.reason();
        List<String> abandoned = abandonRecoveries();
        if (!abandoned.isEmpty()) {
            reason += "; recoveries in progress abandoned: " + String.join(", ", abandoned);
        }
        if (lease.active()) {
            try {
                List<JournalRecord> shared = coordination.sharedLedger();
                state.forgetLedger();
                LedgerRebuild.Result rebuilt = LedgerRebuild.restore(shared, state, types);
                reason += "; ledger rebuilt from " + shared.size() + " shared records: " + rebuilt.summary();
            } catch (CoordinationException e) {
                lease = Lease.standby(lease.epoch(), "holds the lease of epoch " + lease.epoch() + " but cannot read"
                        + " the shared ledger, so acts on nothing until it can: " + e.getMessage());
                if (!authority.held().active() && abandoned.isEmpty() && authority.held().epoch() == lease.epoch()
                        && authority.held().reason().equals(lease.reason())) {
                    authority.take(lease); // said already; tried again next cycle
                    return;
                }
                reason = lease.reason();
            }
        }
        authority.take(lease);
        sink.emit(new RecoveryEvent.RoleChanged(now, coordination.instanceId(), lease.active(), lease.epoch(),
                reason));
        LOG.warn("{} is now {}{}: {}", coordination.instanceId(), lease.role(),
                lease.active() ? " (epoch " + lease.epoch() + ")" : "", reason);
    }

    private List<String> abandonRecoveries() {
        List<String> keys = new ArrayList<>();
        for (ActiveRecovery recovery : recoveries.all()) {
            recoveries.release(recovery);
            recoveries.end(recovery);
            keys.add(recovery.key());
        }
        return keys;
    }

    /** The lease this engine acts under: always active for a lone engine. */
    Lease lease() {
        return authority.held();
    }

    /** The cycle interval while a failure is being confirmed or verified. */
    Duration verifyInterval() {
        return options.verifyInterval();
    }

    /** Nodes quarantined after an escalation, sorted. */
    Set<NodeId> quarantined() {
        Set<NodeId> q = new TreeSet<>();
        nodes.forEach(n -> {
            if (state.quarantined(n.id())) {
                q.add(n.id());
            }
        });
        return q;
    }

    /** How many more actions the global action budget allows now. */
    int actionBudgetLeft() {
        return state.actionBudgetLeft(clock.instant());
    }

    /** An operator releases a quarantined node; see {@link RecoveryEngine#release}. */
    boolean release(NodeId node) {
        return quarantine.release(node);
    }

    /** The snapshots kept, oldest first. */
    ClusterHistory history() {
        return new ClusterHistory(List.copyOf(history));
    }

    /** The journal and listeners. */
    EventSink sink() {
        return sink;
    }
}
