package org.distributedtesting.recovery.strategies.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.RecoveryEvent;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.RecoveryStrategy;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.core.StrategyRegistry;
import org.distributedtesting.recovery.core.sim.Scenario;
import org.distributedtesting.recovery.core.sim.ScenarioResult;

/**
 * The daemon's {@code --simulate} mode: one {@link Scenario} on a simulated cluster in virtual time, with the
 * faults of {@code --inject} injected {@link #SPACING} apart, every discovered strategy (or those {@code --strategy}
 * picks) on default settings, and a timeline and summary on stdout ({@link SimulationReport}). The same request
 * prints the same bytes.
 *
 * <p>Thread-safe and stateless; each run builds its own cluster and engine.
 */
final class SimulateCommand {

    /**
     * What {@code --simulate} injects without {@code --inject}, as {@code --inject} would name it: one fault of each
     * of the ten failure types, in precedence order, {@link #SPACING_SECONDS} apart.
     */
    static final String DEFAULT_INJECTION = "split_brain,term_divergence,network_partition,process_crash,"
            + "log_corruption,database_corruption,state_divergence,deadlock,resource_exhaustion,slow_follower";
    /** Virtual seconds between two injected faults: long enough for a crash to be detected and recovered. */
    static final int SPACING_SECONDS = 30;
    /** {@link #SPACING_SECONDS} as a duration. */
    static final Duration SPACING = Duration.ofSeconds(SPACING_SECONDS);
    /** Cluster size without {@code --nodes}: the usual production coordinator group. */
    static final int DEFAULT_NODES = 5;
    /** The largest cluster the simulator builds. */
    static final int MAX_NODES = 15;
    /** Seed without {@code --seed}. */
    static final long DEFAULT_SEED = 1;
    /** Virtual seconds without {@code --duration}: ten minutes, far beyond one recovery. */
    static final long DEFAULT_DURATION_SECONDS = 600;

    /**
     * One simulation to run.
     *
     * @param nodes    cluster size, 1..{@value #MAX_NODES}
     * @param seed     the seed of the cluster and the scenario
     * @param faults   the failure types to inject, in order; not empty
     * @param duration the scenario's virtual deadline
     * @param dryRun   plan and journal recoveries without carrying them out
     */
    record Request(int nodes, long seed, List<FailureType> faults, Duration duration, boolean dryRun) {

        /**
         * @throws NullPointerException if a reference is null
         * @throws IllegalArgumentException naming the option whose value is out of range
         */
        Request {
            faults = List.copyOf(faults);
            Objects.requireNonNull(duration, "duration");
            if (nodes < 1 || nodes > MAX_NODES) {
                throw new IllegalArgumentException("--nodes must be in 1.." + MAX_NODES + ", but was " + nodes);
            }
            if (faults.isEmpty()) {
                throw new IllegalArgumentException("--inject needs at least one failure type; the types are "
                        + knownTypes());
            }
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("--duration must be a number of seconds > 0, but was "
                        + duration.toMillis() / 1000.0);
            }
        }
    }

    private SimulateCommand() {
    }

    /**
     * A request from the command line's values; a null stands for an option not given.
     *
     * @throws IllegalArgumentException naming the option whose value is unknown or out of range
     */
    static Request request(Integer nodes, Long seed, String inject, Double durationSeconds, boolean dryRun) {
        double seconds = durationSeconds == null ? DEFAULT_DURATION_SECONDS : durationSeconds;
        if (!(seconds > 0) || Double.isInfinite(seconds)) {
            throw new IllegalArgumentException("--duration must be a number of seconds > 0, but was " + seconds);
        }
        return new Request(nodes == null ? DEFAULT_NODES : nodes, seed == null ? DEFAULT_SEED : seed,
                parseFaults(inject == null ? DEFAULT_INJECTION : inject),
                Duration.ofMillis(Math.max(1, Math.round(seconds * 1000))), dryRun);
    }

    /**
     * The failure types of {@code --inject}: comma-separated names as in the config and the journal, ignoring case
     * and accepting {@code -} for {@code _}.
     *
     * @throws IllegalArgumentException naming the unknown type and listing the ten standard ones
     */
    static List<FailureType> parseFaults(String text) {
        List<FailureType> types = new ArrayList<>();
        for (String raw : text.split(",", -1)) {
            if (raw.isBlank()) {
                throw new IllegalArgumentException("--inject needs failure types separated by commas, but was '"
                        + text + "'; the types are " + knownTypes());
            }
            Optional<FailureType> type = FailureType.standard(raw);
            types.add(type.orElseThrow(() -> new IllegalArgumentException("--inject: unknown failure type '"
                    + raw.trim() + "'; the types are " + knownTypes())));
        }
        return types;
    }

    private static String knownTypes() {
        return String.join(", ", FailureType.standard().stream().map(FailureType::name).toList());
    }

    /**
     * The strategies {@code --strategy} picks from those {@link StrategyRegistry#discover} finds, on default
     * settings.
     *
     * @throws org.distributedtesting.recovery.core.UnknownStrategyException for an unknown name
     * @throws IllegalArgumentException if the selection is empty
     */
    static List<RecoveryStrategy> strategies(String selection) {
        List<RecoveryStrategy> chosen = StrategyRegistry.discover(name -> Settings.EMPTY).resolve(selection);
        if (chosen.isEmpty()) {
            throw new IllegalArgumentException("--strategy " + selection + " selects no strategy");
        }
        return chosen;
    }

    /**
     * Runs the scenario with {@code strategies} (from {@link #strategies}), prints its timeline and summary to
     * {@code out}, and returns the exit code:
     * {@link RecoveryDaemon#OK} when every requested fault was injected and recovered, the cluster ended healthy and
     * no invariant broke, {@link RecoveryDaemon#FAILURES_REMAIN} otherwise.
     *
     * @throws IllegalStateException if {@code strategies} is empty
     */
    static int run(Request request, List<RecoveryStrategy> strategies, PrintStream out) {
        RecoveryOptions options = request.dryRun() ? RecoveryOptions.defaults().toBuilder().dryRun(true).build()
                : RecoveryOptions.defaults();
        List<RecoveryEvent> events = new ArrayList<>();
        Scenario scenario = Scenario.builder()
                .nodes(request.nodes())
                .seed(request.seed())
                .inject(request.faults())
                .spacing(SPACING)
                .maxDuration(request.duration())
                .strategies(strategies)
                .options(options)
                .listener(event -> {
                    if (!(event instanceof RecoveryEvent.CycleCompleted)) {
                        events.add(event); // a cycle is not a timeline line, and its snapshot is large
                    }
                })
                .build();
        SimulationReport report = new SimulationReport(request, strategies, out);
        report.header();
        ScenarioResult result = scenario.run();
        report.timeline(result, events);
        report.summary(result);
        return report.passed(result) ? RecoveryDaemon.OK : RecoveryDaemon.FAILURES_REMAIN;
    }

    /** Seconds with millisecond precision, as the timeline writes them: {@code 12.000}. */
    static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.3f", millis / 1000.0);
    }
}
