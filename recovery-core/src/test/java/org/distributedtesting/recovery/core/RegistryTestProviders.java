package org.distributedtesting.recovery.core;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.distributedtesting.recovery.ClusterHistory;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.RecoveryStrategy;
import org.distributedtesting.recovery.RungResult;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.spi.RecoveryStrategyProvider;

/** Providers found through the test class path's META-INF/services file. */
final class RegistryTestProviders {

    private RegistryTestProviders() {
    }

    /** A strategy that detects nothing, named and typed by the test. */
    static class NamedStrategy extends LadderStrategy {
        final Settings seen;

        NamedStrategy(String name, FailureType type, Settings settings) {
            super(name, type, settings);
            this.seen = settings;
            rung("noop", (f, c) -> RungResult.skipped("nothing to do"));
        }

        @Override
        protected List<Failure> detect(ClusterSnapshot snapshot, ClusterHistory history) {
            return List.of();
        }
    }

    /** A subclass that replaces {@code alpha}. */
    static final class BetterAlpha extends NamedStrategy {
        BetterAlpha(Settings settings) {
            super("alpha", FailureType.DEADLOCK, settings);
        }
    }

    /** Contributes {@code alpha} and {@code beta} and the set {@code greek}. */
    public static final class Good implements RecoveryStrategyProvider {
        @Override
        public List<RecoveryStrategy> strategies(Function<String, Settings> settings) {
            return List.of(new NamedStrategy("alpha", FailureType.DEADLOCK, settings.apply("alpha")),
                    new NamedStrategy("beta", FailureType.SLOW_FOLLOWER, settings.apply("beta")));
        }

        @Override
        public Map<String, Set<String>> strategySets() {
            return Map.of("greek", Set.of("alpha", "beta"));
        }
    }

    /** Replaces {@code alpha} explicitly. */
    public static final class Replacing implements RecoveryStrategyProvider {
        @Override
        public List<RecoveryStrategy> strategies(Function<String, Settings> settings) {
            return List.of(new BetterAlpha(settings.apply("alpha")));
        }

        @Override
        public Set<String> replaces() {
            return Set.of("alpha");
        }
    }

    /** Cannot even be constructed. */
    public static final class Broken implements RecoveryStrategyProvider {
        public Broken() {
            throw new IllegalStateException("broken on purpose");
        }

        @Override
        public List<RecoveryStrategy> strategies(Function<String, Settings> settings) {
            return List.of();
        }
    }

    /** Throws when asked for strategies. */
    public static final class Throwing implements RecoveryStrategyProvider {
        @Override
        public List<RecoveryStrategy> strategies(Function<String, Settings> settings) {
            throw new IllegalStateException("cannot create strategies");
        }
    }
}
