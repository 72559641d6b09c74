package org.distributedtesting.recovery.core.sim.junit;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContextProvider;

/**
 * The invocations of a {@link SimSeeds} test: one per seed, named {@code seed N}, each handing its seed to
 * {@link SimulatedClusterExtension} before the test's {@code @BeforeEach} methods run. Registered by
 * {@code @SimSeeds}; there is no need to name it.
 *
 * <p>Stateless and thread-safe.
 */
@SuppressWarnings("exports") // JUnit is an optional dependency; whoever uses this class has it
public final class SeedSweep implements TestTemplateInvocationContextProvider {

    /** An upper bound for random seeds, so a printed seed stays short enough to type. */
    private static final long RANDOM_SEED_BOUND = 1L << 40;

    /** Made by JUnit, from {@code @SimSeeds}' {@code @ExtendWith}. */
    public SeedSweep() {
    }

    @Override
    public boolean supportsTestTemplate(ExtensionContext context) {
        return context.getTestMethod().map(m -> m.isAnnotationPresent(SimSeeds.class)).orElse(false);
    }

    @Override
    public Stream<TestTemplateInvocationContext> provideTestTemplateInvocationContexts(ExtensionContext context) {
        Method method = context.getRequiredTestMethod();
        SimSeeds seeds = method.getAnnotation(SimSeeds.class);
        String replay = System.getProperty(SimSeeds.REPLAY_PROPERTY);
        if (replay != null && !replay.isBlank()) {
            return Stream.of(new Invocation(parse(replay), "seed " + replay.trim() + " (replayed with -D"
                    + SimSeeds.REPLAY_PROPERTY + ")"));
        }
        long[] sweep = seeds(method, seeds);
        if (seeds.random() > 0) {
            // the names show them too; this puts them together in the report, to replay one
            context.publishReportEntry("sim.seeds", java.util.Arrays.toString(sweep) + " (random; replay one with -D"
                    + SimSeeds.REPLAY_PROPERTY + "=N)");
        }
        List<TestTemplateInvocationContext> invocations = new ArrayList<>();
        for (long seed : sweep) {
            invocations.add(new Invocation(seed, "seed " + seed + (seeds.random() > 0 ? " (random)" : "")));
        }
        return invocations.stream();
    }

    /** The seeds of the one source {@code seeds} names. */
    static long[] seeds(Method method, SimSeeds seeds) {
        int sources = (seeds.value().length > 0 ? 1 : 0) + (seeds.count() != 0 ? 1 : 0) + (seeds.random() != 0 ? 1 : 0);
        if (sources != 1) {
            throw new ExtensionConfigurationException("@SimSeeds on " + method.getName() + " must name exactly one "
                    + "seed source, a list ({1, 2, 3}), a range (from = 1, count = 50) or random (random = 20), "
                    + "but names " + sources + ": " + seeds);
        }
        if (seeds.from() != 1 && seeds.count() == 0) {
            throw new ExtensionConfigurationException("@SimSeeds on " + method.getName() + ": from = "
                    + seeds.from() + " starts a range, which needs count (from = " + seeds.from() + ", count = 10)");
        }
        if (seeds.count() < 0 || seeds.random() < 0) {
            throw new ExtensionConfigurationException("@SimSeeds on " + method.getName() + ": count and random must "
                    + "be > 0, but were " + seeds.count() + " and " + seeds.random());
        }
        if (seeds.value().length > 0) {
            return seeds.value().clone();
        }
        if (seeds.count() > 0) {
            long[] range = new long[seeds.count()];
            for (int i = 0; i < range.length; i++) {
                range[i] = seeds.from() + i;
            }
            return range;
        }
        SplittableRandom random = new SplittableRandom();
        return random.longs(seeds.random(), 1, RANDOM_SEED_BOUND).toArray();
    }

    private static long parse(String replay) {
        try {
            return Long.parseLong(replay.trim());
        } catch (NumberFormatException e) {
            throw new ExtensionConfigurationException("-D" + SimSeeds.REPLAY_PROPERTY + " must be a seed (a long), "
                    + "but was '" + replay + "'", e);
        }
    }

    /** One seed's run. */
    private static final class Invocation implements TestTemplateInvocationContext {
        private final long seed;
        private final String name;

        Invocation(long seed, String name) {
            this.seed = seed;
            this.name = name;
        }

        @Override
        public String getDisplayName(int invocationIndex) {
            return name;
        }

        @Override
        public List<Extension> getAdditionalExtensions() {
            return List.of((BeforeEachCallback) context -> SimulatedClusterExtension.sweepSeed(context, seed));
        }
    }
}
