package org.distributedtesting.recovery.core.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.RecoveryEvent;
import org.distributedtesting.recovery.RecoveryListener;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.RecoveryStrategy;
import org.distributedtesting.recovery.core.CycleReport;
import org.distributedtesting.recovery.core.RecoveryEngine;
import org.distributedtesting.recovery.core.journal.InMemoryJournal;
import org.distributedtesting.recovery.core.journal.RecoveryJournal;

/**
 * One end-to-end run on a simulated cluster: elect a leader, write continuously, inject faults over time, let
 * faults of the kind that heal by themselves (partitions, a cut-off leader, a campaigning node, a slow link) heal
 * after {@link Builder#healAfter}, run the engine once per virtual second, and stop when every fault is recovered
 * and the cluster has stayed healthy with every node's term unchanged (no election going on) for 3 cycles, or at the
 * deadline. Then check the invariants and every acknowledged write.
 *
 * <pre>{@code
 * ScenarioResult result = Scenario.builder().nodes(5).seed(7).inject(FailureType.PROCESS_CRASH)
 *         .strategies(registry.all()).build().run();
 * assertThat(result.passed()).isTrue();
 * }</pre>
 *
 * <p>Not thread-safe; a scenario runs on the calling thread and may run once.
 */
public final class Scenario {

    private static final Set<FailureType> SELF_HEALING = Set.of(FailureType.NETWORK_PARTITION,
            FailureType.SPLIT_BRAIN, FailureType.TERM_DIVERGENCE, FailureType.SLOW_FOLLOWER);
    private static final long CYCLE_MILLIS = 1000;
    private static final long WRITE_MILLIS = 200;
    private static final int HEALTHY_CYCLES_TO_END = 3;

    private final Builder config;
    private final SimulatedCluster cluster;
    private final List<RecoveryEvent> events = new ArrayList<>();
    private final List<Tracked> tracked = new ArrayList<>();
    private boolean ran;

    /** One injected fault and what the engine did about it so far. */
    private static final class Tracked {
        final InjectedFault fault;
        final long healAt;
        boolean healed;
        long healedAtMillis = -1;
        boolean actedOn;
        long detectedAt = -1;
        long recoveredAt = -1;
        final List<String> rungs = new ArrayList<>();
        /** The failures of this fault the engine has confirmed and not yet verified, cleared or escalated. */
        final Set<String> open = new HashSet<>();
        boolean escalated;
        /**
         * When a recovery of another failure on its nodes was verified while none of its own failures was open (a
         * deadlock ended by the restart that repaired the node's database; a crash handed over to the log ladder
         * because the node could not start on its log), or -1.
         */
        long coveredAt = -1;

        Tracked(InjectedFault fault, long healAt) {
            this.fault = fault;
            this.healAt = healAt;
        }

        boolean matches(org.distributedtesting.recovery.Failure failure) {
            return failure.type().equals(fault.type()) && failure.nodes().stream().anyMatch(fault.nodes()::contains);
        }

        void healAt(long now) {
            fault.heal();
            healed = true;
            healedAtMillis = now;
        }

        /** Healed with no failure of it still open: nothing left for the engine to verify. */
        boolean healedUnseen() {
            return healed && open.isEmpty() && recoveredAt < 0;
        }

        boolean settled() {
            return recoveredAt >= 0 || escalated;
        }

        /** Ended by the recovery of another failure on its nodes, with none of its own failures open since. */
        boolean covered() {
            return coveredAt >= 0 && open.isEmpty() && recoveredAt < 0 && !escalated;
        }

        FaultOutcome outcome() {
            return new FaultOutcome(fault.type(), fault.nodes(), fault.description(), fault.injectedAt(),
                    detectedAt < 0 ? OptionalLong.empty() : OptionalLong.of(detectedAt),
                    recoveredAt < 0 ? OptionalLong.empty() : OptionalLong.of(recoveredAt), rungs, escalated);
        }
    }

    /** A fault to inject, at an offset from the end of the warm-up (-1: by position and spacing). */
    private record Planned(FailureType type, long offsetMillis) {
    }

    private Scenario(Builder config) {
        this.config = config;
        this.cluster = SimulatedCluster.builder().nodes(config.nodes).seed(config.seed).build();
    }

    /** A builder: 5 nodes, seed 1, no faults, engine defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** The cluster the scenario runs on (for tests that want to look closer). */
    public SimulatedCluster cluster() {
        return cluster;
    }

    /**
     * Runs the scenario to its end.
     *
     * @throws IllegalStateException if it already ran
     */
    public ScenarioResult run() {
        if (ran) {
            throw new IllegalStateException("a scenario runs once; build another");
        }
        ran = true;
        RecoveryJournal journal = config.journal != null ? config.journal : new InMemoryJournal();
        var builder = cluster.engine().strategies(config.strategies).options(config.options).journal(journal)
                .listener(this::onEvent);
        config.listeners.forEach(builder::listener);
        Random choices = new Random(config.seed * 31 + 7);
        boolean healthy = false;
        try (RecoveryEngine engine = builder.build()) {
            if (cluster.awaitLeader(Duration.ofSeconds(30)).isEmpty()) {
                return result(journal, false);
            }
            long start = now() + config.warmup.toMillis();
            long end = now() + config.maxDuration.toMillis();
            List<Planned> pending = new ArrayList<>();
            for (int i = 0; i < config.faults.size(); i++) {
                Planned p = config.faults.get(i);
                pending.add(new Planned(p.type, p.offsetMillis >= 0 ? p.offsetMillis : i * config.spacing.toMillis()));
            }
            pending.sort(java.util.Comparator.comparingLong(p -> p.offsetMillis));
            int healthyCycles = 0;
            long[] terms = cluster.terms();
            while (now() < end) {
                writeFor(CYCLE_MILLIS);
                while (!pending.isEmpty() && now() >= start + pending.get(0).offsetMillis) {
                    inject(pending.remove(0).type, choices);
                }
                healDue();
                CycleReport report = engine.runCycle();
                healthy = report.healthy();
                // an election still going on (terms moving) is not the end, though no failure shows during it
                long[] before = terms;
                terms = cluster.terms();
                healthyCycles = healthy && java.util.Arrays.equals(terms, before) ? healthyCycles + 1 : 0;
                if (pending.isEmpty() && now() >= start && healthyCycles >= HEALTHY_CYCLES_TO_END
                        && tracked.stream().allMatch(t -> t.settled() || t.healedUnseen() || t.covered())) {
                    break;
                }
            }
            cluster.advance(Duration.ofSeconds(5));
            healthy = engine.runCycle().healthy() && healthy;
        }
        return result(journal, healthy);
    }

    private long now() {
        return cluster.clock().millis();
    }

    private void writeFor(long millis) {
        for (long t = 0; t < millis; t += WRITE_MILLIS) {
            cluster.write("v" + now());
            cluster.advance(Duration.ofMillis(WRITE_MILLIS));
        }
    }

    private void inject(FailureType type, Random choices) {
        NodeId target = target(type, choices);
        InjectedFault fault = cluster.faults().inject(type, target);
        if (type.equals(FailureType.STATE_DIVERGENCE)) {
            cluster.invariants().exemptNode(target, "wrong results injected on purpose until recovered");
        }
        long healAt = SELF_HEALING.contains(type) && !config.permanent ? now() + config.healAfter.toMillis()
                : Long.MAX_VALUE;
        tracked.add(new Tracked(fault, healAt));
    }

    private NodeId target(FailureType type, Random choices) {
        NodeId leader = cluster.leader().orElse(cluster.nodeIds().get(0));
        if (type.equals(FailureType.SPLIT_BRAIN)) {
            return leader;
        }
        Set<NodeId> used = new HashSet<>();
        tracked.forEach(t -> used.addAll(t.fault.nodes()));
        List<NodeId> candidates = cluster.nodeIds().stream().filter(n -> !n.equals(leader) && !used.contains(n))
                .toList();
        if (candidates.isEmpty()) {
            candidates = cluster.nodeIds().stream().filter(n -> !n.equals(leader)).toList();
        }
        if (candidates.isEmpty()) {
            candidates = List.of(leader); // a single node
        }
        return candidates.get(choices.nextInt(candidates.size()));
    }

    private void healDue() {
        for (Tracked t : tracked) {
            if (!t.healed && now() >= t.healAt) {
                t.healAt(now());
            }
        }
    }

    private void onEvent(RecoveryEvent event) {
        events.add(event);
        long at = now();
        for (Tracked t : tracked) {
            if (event instanceof RecoveryEvent.FailureConfirmed e && t.matches(e.failure())) {
                t.open.add(e.failure().key());
                t.coveredAt = -1;
                if (t.detectedAt < 0) {
                    t.detectedAt = at;
                }
            } else if (event instanceof RecoveryEvent.RungAttempted e && t.matches(e.failure()) && !t.settled()) {
                t.rungs.add(e.rung());
            } else if (event instanceof RecoveryEvent.RecoveryVerified e && t.matches(e.failure())
                    && t.recoveredAt < 0) {
                t.open.remove(e.failure().key());
                t.recoveredAt = at;
                if (t.fault.type().equals(FailureType.STATE_DIVERGENCE)) {
                    t.fault.nodes().forEach(cluster.invariants()::clearExemption);
                }
            } else if (event instanceof RecoveryEvent.RecoveryVerified e && t.recoveredAt < 0 && t.open.isEmpty()
                    && t.coveredAt < 0 && at >= t.fault.injectedAt()
                    && e.failure().nodes().containsAll(t.fault.nodes())) {
                t.coveredAt = at;
            } else if (event instanceof RecoveryEvent.ActionTaken e && e.result().done()
                    && t.fault.nodes().contains(e.action().node())) {
                t.actedOn = true;
            } else if (event instanceof RecoveryEvent.FailureCleared e && t.matches(e.failure())) {
                t.open.remove(e.failure().key());
                // gone because it healed, or because the engine repaired the node for another failure
                // (a database restored for corruption also ends a divergence on that node)
                if ((t.healed || t.actedOn) && t.recoveredAt < 0) {
                    t.recoveredAt = at;
                }
            } else if (event instanceof RecoveryEvent.Escalated e && t.matches(e.failure())) {
                t.open.remove(e.failure().key());
                t.escalated = true;
            }
        }
    }

    private ScenarioResult result(RecoveryJournal journal, boolean healthy) {
        cluster.invariants().checkAcknowledgedWrites();
        List<String> violations = cluster.invariants().violations().stream().map(Object::toString).toList();
        for (Tracked t : tracked) {
            if (t.healedUnseen() && healthy) {
                // it healed while no failure of it was open: before the engine had to act, or after the engine's
                // failure had cleared on its own
                t.recoveredAt = t.healedAtMillis;
            } else if (t.covered() && healthy) {
                t.recoveredAt = t.coveredAt;
            }
        }
        List<String> trace = new ArrayList<>(cluster.trace());
        events.stream().map(Scenario::describe).filter(Objects::nonNull).forEach(trace::add);
        List<ClientWrite> writes = cluster.writes();
        return new ScenarioResult(config.seed, tracked.stream().map(Tracked::outcome).toList(), violations,
                journal.records(), trace, now(), healthy, writes.size(),
                (int) writes.stream().filter(ClientWrite::acknowledged).count());
    }

    static String describe(RecoveryEvent event) {
        String text = EventLines.text(event);
        return text == null ? null : String.format(java.util.Locale.ROOT, "%9.3f  ",
                java.time.Duration.between(SimClock.EPOCH, event.at()).toMillis() / 1000.0) + text;
    }

    /** Builds a {@link Scenario}. Not thread-safe. */
    public static final class Builder {
        private int nodes = 5;
        private long seed = 1;
        private final List<Planned> faults = new ArrayList<>();
        private final List<RecoveryStrategy> strategies = new ArrayList<>();
        private final List<RecoveryListener> listeners = new ArrayList<>();
        private RecoveryOptions options = RecoveryOptions.defaults();
        private Duration warmup = Duration.ofSeconds(5);
        private Duration spacing = Duration.ZERO;
        private Duration healAfter = Duration.ofSeconds(30);
        private boolean permanent;
        private Duration maxDuration = Duration.ofMinutes(10);
        private RecoveryJournal journal;

        private Builder() {
        }

        /** Where the engine journals (default: in memory); the caller keeps ownership. */
        public Builder journal(RecoveryJournal value) {
            journal = Objects.requireNonNull(value, "journal");
            return this;
        }

        /** Cluster size (default 5). */
        public Builder nodes(int value) {
            nodes = value;
            return this;
        }

        /** The seed of the cluster and of the scenario's choices. */
        public Builder seed(long value) {
            seed = value;
            return this;
        }

        /** Faults to inject, in order, {@link #spacing} apart. */
        public Builder inject(FailureType... types) {
            return inject(List.of(types));
        }

        /** Faults to inject, in order, {@link #spacing} apart. */
        public Builder inject(List<FailureType> types) {
            types.forEach(t -> faults.add(new Planned(Objects.requireNonNull(t, "type"), -1)));
            return this;
        }

        /**
         * A fault to inject {@code offset} after the warm-up.
         *
         * @throws IllegalArgumentException if the offset is negative
         */
        public Builder injectAt(FailureType type, Duration offset) {
            if (offset.isNegative()) {
                throw new IllegalArgumentException("offset must be >= 0, but was " + offset);
            }
            faults.add(new Planned(Objects.requireNonNull(type, "type"), offset.toMillis()));
            return this;
        }

        /** The engine's strategies. */
        public Builder strategies(List<? extends RecoveryStrategy> value) {
            strategies.addAll(value);
            return this;
        }

        /** The engine's options (default {@link RecoveryOptions#defaults()}). */
        public Builder options(RecoveryOptions value) {
            options = Objects.requireNonNull(value, "options");
            return this;
        }

        /** A listener for the engine's events. */
        public Builder listener(RecoveryListener value) {
            listeners.add(Objects.requireNonNull(value, "listener"));
            return this;
        }

        /** Time after the first leader before the first fault (default 5 s). */
        public Builder warmup(Duration value) {
            warmup = value;
            return this;
        }

        /** Time between injections (default 0: together). */
        public Builder spacing(Duration value) {
            spacing = value;
            return this;
        }

        /** When faults that heal by themselves heal (default 30 s after injection). */
        public Builder healAfter(Duration value) {
            healAfter = value;
            return this;
        }

        /** Faults that would heal by themselves stay (default false). */
        public Builder permanent(boolean value) {
            permanent = value;
            return this;
        }

        /** Virtual deadline of the whole run (default 10 min). */
        public Builder maxDuration(Duration value) {
            maxDuration = value;
            return this;
        }

        /**
         * A scenario on a fresh cluster.
         *
         * @throws IllegalStateException without strategies
         */
        public Scenario build() {
            if (strategies.isEmpty()) {
                throw new IllegalStateException("a scenario needs the engine's strategies");
            }
            return new Scenario(this);
        }
    }
}
