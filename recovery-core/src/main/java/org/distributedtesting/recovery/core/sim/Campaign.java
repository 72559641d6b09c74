package org.distributedtesting.recovery.core.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.RecoveryStrategy;

/**
 * A seeded random campaign of scenarios: random cluster sizes (3 or 5), random fault sequences of the given types,
 * random timing, random healing times. At most as many faults overlap as the cluster tolerates (one for 3 nodes,
 * two for 5), because beyond that no safe recovery exists until something heals, which a campaign should not
 * count as the engine's failure. The same campaign seed gives the same scenarios.
 *
 * <p>Not thread-safe; runs on the calling thread, and with {@link #run(Consumer, int)} on threads of its own as well.
 */
public final class Campaign {

    /** How long after injection a fault still counts as overlapping the next one. */
    private static final long OVERLAP_MILLIS = 90_000;

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
    public Campaign(long seed, int scenarios, List<FailureType> types,
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

    /** What a campaign found. */
    public record Report(int scenarios, int passed, int faultsInjected, int faultsRecovered, int violations,
                         List<String> failures) {
        /** Copies the list. */
        public Report {
            failures = List.copyOf(failures);
        }

        /** Every scenario passed. */
        public boolean allPassed() {
            return passed == scenarios;
        }
    }

    /** The scenario number {@code i} (from 0) of this campaign, ready to run. */
    public Scenario scenario(int i) {
        Random random = new Random(seed * 1_000_003L + i);
        int nodes = random.nextBoolean() ? 3 : 5;
        int tolerance = (nodes - 1) / 2;
        int count = 1 + random.nextInt(3);
        Scenario.Builder builder = Scenario.builder().nodes(nodes).seed(seed * 7919L + i)
                .strategies(strategies.get()).options(options)
                .healAfter(Duration.ofSeconds(15 + random.nextInt(31)))
                .warmup(Duration.ofSeconds(2 + random.nextInt(8)));
        List<Long> offsets = new ArrayList<>();
        for (int f = 0; f < count; f++) {
            // after the last fault kept (one that would overlap too many is left out)
            long offset = f == 0 ? 0 : offsets.get(offsets.size() - 1) + random.nextInt(120_000);
            long overlapping = offsets.stream().filter(o -> offset - o < OVERLAP_MILLIS).count();
            if (overlapping >= tolerance) {
                continue;
            }
            offsets.add(offset);
            builder.injectAt(types.get(random.nextInt(types.size())), Duration.ofMillis(offset));
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

    /**
     * Runs every scenario, up to {@code threads} at a time; the report is the same for any number of threads.
     *
     * @param progress told about each scenario's result, in scenario order, on the calling thread
     * @param threads  how many scenarios run side by side (1: on the calling thread)
     * @throws IllegalArgumentException if {@code threads} is not positive
     */
    public Report run(Consumer<ScenarioResult> progress, int threads) {
        Tally tally = new Tally(progress);
        ScenarioRuns.run(scenarios, threads, i -> scenario(i).run(), tally);
        return new Report(scenarios, tally.passed, tally.injected, tally.recovered, tally.violations, tally.failures);
    }

    /** Adds up results handed over in scenario order. */
    private static final class Tally implements Consumer<ScenarioResult> {
        private final Consumer<ScenarioResult> progress;
        private final List<String> failures = new ArrayList<>();
        private int index;
        private int passed;
        private int injected;
        private int recovered;
        private int violations;

        Tally(Consumer<ScenarioResult> progress) {
            this.progress = progress;
        }

        @Override
        public void accept(ScenarioResult result) {
            int i = index++;
            progress.accept(result);
            injected += result.faults().size();
            recovered += (int) result.faults().stream().filter(FaultOutcome::recovered).count();
            violations += result.violations().size();
            if (result.passed()) {
                passed++;
            } else if (failures.size() < 20) {
                failures.add("scenario " + i + " (seed " + result.seed() + "): " + summary(result));
            }
        }
    }

    private static String summary(ScenarioResult result) {
        StringBuilder s = new StringBuilder();
        for (FaultOutcome f : result.faults()) {
            s.append(f.type()).append(" on ").append(f.nodes()).append(f.recovered() ? " recovered" : " NOT recovered")
                    .append(f.escalated() ? " (escalated)" : "").append("; ");
        }
        if (!result.healthyAtEnd()) {
            s.append("not healthy at the end; ");
        }
        result.violations().stream().limit(3).forEach(v -> s.append(v).append("; "));
        return s.toString();
    }
}
