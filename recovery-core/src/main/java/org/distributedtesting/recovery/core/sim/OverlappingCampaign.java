package org.distributedtesting.recovery.core.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.RecoveryStrategy;

/**
 * A seeded random campaign whose faults overlap beyond what the cluster tolerates: on 3 or 5 nodes, 2 to 4 faults of
 * any of the given types, all injected within 5 s, 20 s or a minute, on any nodes, so that a majority may be down,
 * cut off or damaged at once. A {@link Campaign} never does that, because beyond the tolerance not every fault can be recovered;
 * this one judges every scenario by what can be asked of a recovery tool then ({@link #judge}):
 * <ol>
 *   <li><b>Nothing unsafe.</b> No invariant breaks, ever: one leader per term, no committed entry lost or changed,
 *       every acknowledged write kept, the same result at the same index on every node, and the engine's own rules
 *       (quorum budget, backup before a destructive step, no copy from a suspect source).</li>
 *   <li><b>Every fault that can be recovered is.</b> A fault can be recovered once the cluster regains a majority,
 *       unless it is a data fault (a damaged log or database, a diverged state) injected while a majority of the
 *       nodes carry data damage not yet recovered, itself included: then no majority of intact replicas exists to
 *       vouch for a copy, and the engine must not choose an authority; it may escalate instead. Every other fault
 *       must end recovered (verified by the engine, or healed by itself with the cluster healthy) by the end of the
 *       scenario, which runs until the cluster is healthy and every fault settled, or for
 *       {@value #MAX_MINUTES} minutes of virtual time (long enough for quarantined nodes to be retried half-open).</li>
 *   <li><b>Healthy at the end</b>, unless a fault that cannot be recovered is left.</li>
 * </ol>
 * The same campaign seed gives the same scenarios.
 *
 * <p>Not thread-safe; runs on the calling thread, and with {@link #run(Consumer, int)} on threads of its own as well.
 */
public final class OverlappingCampaign {

    /** The virtual time a scenario may take. */
    public static final int MAX_MINUTES = 60;

    /** The failure types whose fault damages a node's data. */
    public static final Set<FailureType> DATA_FAULTS = Set.of(FailureType.LOG_CORRUPTION,
            FailureType.DATABASE_CORRUPTION, FailureType.STATE_DIVERGENCE);

    /** The windows within which a scenario's faults are all injected: within seconds, or spread over a minute. */
    private static final int[] WINDOWS_MILLIS = {5_000, 20_000, 60_000};

    private final long seed;
    private final int scenarios;
    private final List<FailureType> types;
    private final Supplier<List<? extends RecoveryStrategy>> strategies;
    private final RecoveryOptions options;

    /**
     * @param seed       the campaign's seed
     * @param scenarios  how many scenarios
     * @param types      the failure types to draw from
     * @param strategies fresh strategies for each scenario
     * @param options    the engine's options
     * @throws IllegalArgumentException if scenarios is not positive or types is empty
     */
    public OverlappingCampaign(long seed, int scenarios, List<FailureType> types,
                               Supplier<List<? extends RecoveryStrategy>> strategies, RecoveryOptions options) {
        if (scenarios <= 0) {
            throw new IllegalArgumentException("scenarios must be > 0, but was " + scenarios);
        }
        if (types.isEmpty()) {
            throw new IllegalArgumentException("types must not be empty");
        }
        this.seed = seed;
        this.scenarios = scenarios;
        this.types = List.copyOf(types);
        this.strategies = Objects.requireNonNull(strategies, "strategies");
        this.options = Objects.requireNonNull(options, "options");
    }

    /**
     * What a campaign found.
     *
     * @param scenarios      scenarios run
     * @param passed         scenarios that met the bar
     * @param faults         faults injected
     * @param recovered      faults recovered
     * @param unrecoverable  faults that could not be recovered by the definition above
     * @param beyondTolerance scenarios in which more faults overlapped than the cluster tolerates
     * @param violations     invariant violations
     * @param failures       the first failed scenarios, with what failed
     */
    public record Report(int scenarios, int passed, int faults, int recovered, int unrecoverable,
                         int beyondTolerance, int violations, List<String> failures) {
        /** Copies the list. */
        public Report {
            failures = List.copyOf(failures);
        }

        /** Every scenario met the bar. */
        public boolean allPassed() {
            return passed == scenarios;
        }
    }

    /** The scenario number {@code i} (from 0) of this campaign, ready to run. */
    public Scenario scenario(int i) {
        Random random = new Random(seed * 1_000_033L + i);
        int nodes = random.nextBoolean() ? 3 : 5;
        int count = 2 + random.nextInt(3);
        Scenario.Builder builder = Scenario.builder().nodes(nodes).seed(seed * 7907L + i)
                .strategies(strategies.get()).options(options)
                .healAfter(Duration.ofSeconds(15 + random.nextInt(31)))
                .warmup(Duration.ofSeconds(2 + random.nextInt(8)))
                .maxDuration(Duration.ofMinutes(MAX_MINUTES));
        int window = WINDOWS_MILLIS[random.nextInt(WINDOWS_MILLIS.length)];
        for (int f = 0; f < count; f++) {
            builder.injectAt(types.get(random.nextInt(types.size())),
                    Duration.ofMillis(f == 0 ? 0 : random.nextInt(window)));
        }
        return builder.build();
    }

    /**
     * Runs every scenario on the calling thread.
     *
     * @param progress told about each scenario's result as it ends
     */
    public Report run(Consumer<ScenarioResult> progress) {
        return run(progress, 1);
    }

    /** One scenario's result and its cluster's size. */
    private record Run(ScenarioResult result, int size) {
    }

    /**
     * Runs every scenario, up to {@code threads} at a time; the report is the same for any number of threads.
     *
     * @param progress told about each scenario's result, in scenario order, on the calling thread
     * @param threads  how many scenarios run side by side (1: on the calling thread)
     * @throws IllegalArgumentException if {@code threads} is not positive
     */
    public Report run(Consumer<ScenarioResult> progress, int threads) {
        Tally tally = new Tally(progress);
        ScenarioRuns.run(scenarios, threads, i -> {
            Scenario scenario = scenario(i);
            return new Run(scenario.run(), scenario.cluster().nodeIds().size());
        }, tally);
        return new Report(scenarios, tally.passed, tally.faults, tally.recovered, tally.unrecoverable, tally.beyond,
                tally.violations, tally.failures);
    }

    /** Adds up results handed over in scenario order. */
    private static final class Tally implements Consumer<Run> {
        private final Consumer<ScenarioResult> progress;
        private final List<String> failures = new ArrayList<>();
        private int index;
        private int passed;
        private int faults;
        private int recovered;
        private int unrecoverable;
        private int beyond;
        private int violations;

        Tally(Consumer<ScenarioResult> progress) {
            this.progress = progress;
        }

        @Override
        public void accept(Run run) {
            int i = index++;
            ScenarioResult result = run.result();
            int tolerance = (run.size() - 1) / 2;
            progress.accept(result);
            faults += result.faults().size();
            recovered += (int) result.faults().stream().filter(FaultOutcome::recovered).count();
            Set<Integer> lost = unrecoverable(result, run.size());
            unrecoverable += lost.size();
            beyond += result.faults().size() > tolerance ? 1 : 0;
            violations += result.violations().size();
            List<String> problems = judge(result, lost);
            if (problems.isEmpty()) {
                passed++;
            } else if (failures.size() < 20) {
                failures.add("scenario " + i + " (seed " + result.seed() + ", " + run.size() + " nodes): "
                        + String.join("; ", problems));
            }
        }
    }

    /**
     * The indexes (in {@link ScenarioResult#faults()}) of the faults that cannot be recovered: data faults injected
     * while a majority of the {@code size} nodes carried data damage not yet recovered, themselves included.
     */
    public static Set<Integer> unrecoverable(ScenarioResult result, int size) {
        int majority = size / 2 + 1;
        Set<Integer> lost = new HashSet<>();
        List<FaultOutcome> faults = result.faults();
        for (int i = 0; i < faults.size(); i++) {
            FaultOutcome fault = faults.get(i);
            if (!DATA_FAULTS.contains(fault.type())) {
                continue;
            }
            Set<NodeId> damaged = new HashSet<>(fault.nodes());
            for (FaultOutcome other : faults) {
                boolean before = other.injectedAt() <= fault.injectedAt();
                boolean stillDamaged = other.recoveredAt().isEmpty()
                        || other.recoveredAt().getAsLong() > fault.injectedAt();
                if (other != fault && DATA_FAULTS.contains(other.type()) && before && stillDamaged) {
                    damaged.addAll(other.nodes());
                }
            }
            if (damaged.size() >= majority) {
                lost.add(i);
            }
        }
        return lost;
    }

    /** What in {@code result} falls short of the bar, given the faults that cannot be recovered; empty when it met it. */
    public static List<String> judge(ScenarioResult result, Set<Integer> unrecoverable) {
        List<String> problems = new ArrayList<>();
        result.violations().stream().limit(3).forEach(v -> problems.add("invariant broken: " + v));
        for (int i = 0; i < result.faults().size(); i++) {
            FaultOutcome f = result.faults().get(i);
            if (!f.recovered() && !unrecoverable.contains(i)) {
                problems.add(f.type() + " on " + f.nodes() + " not recovered" + (f.escalated() ? " (escalated)" : "")
                        + (f.timeToDetect().isEmpty() ? " (never detected)" : ""));
            }
        }
        boolean lostLeft = unrecoverable.stream().anyMatch(i -> !result.faults().get(i).recovered());
        if (!result.healthyAtEnd() && !lostLeft) {
            problems.add("not healthy at the end");
        }
        return problems;
    }
}
