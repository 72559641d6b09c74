package org.distributedtesting.recovery.core.sim.junit;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.distributedtesting.recovery.core.sim.SimulatedCluster;
import org.distributedtesting.recovery.core.sim.harness.SimReport;
import org.distributedtesting.recovery.core.sim.harness.SimulatedRecovery;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.opentest4j.TestAbortedException;

/**
 * A JUnit 5 extension for tests on the simulated cluster, in the spirit of OkHttp's {@code MockWebServer} rule:
 * it injects a fresh {@link SimulatedCluster} into each test, configured by {@link SimCluster}, and a
 * {@link SimulatedRecovery} bound to that cluster when a parameter asks for one, configured by {@link SimRecovery}.
 * When the test (or one of its {@code @BeforeEach}/{@code @AfterEach} methods) fails, it publishes a report of the
 * cluster's state, the last {@value SimReport#DEFAULT_TRACE_LINES} lines of its trace and the journal and events of
 * every recovery still open on it as the test's report entry {@code sim.report} (shown by surefire, Gradle and
 * IDEs beside the test) and prints it to standard error; and it rethrows the failure with the seed and a one-line
 * summary added to its message (an {@code AssertionError} is rethrown as one of the same kind with the original
 * as its cause; another exception keeps its type and carries the summary as a suppressed exception). After each
 * test it closes those recoveries.
 *
 * <p>Seeds: {@link SimCluster#seed()} fixes one; {@link SimSeeds} sweeps several, each invocation named
 * {@code seed N}, and {@code -Dsim.seed=N} replays one. The extension refuses what would test one seed while
 * seeming to test many: {@code @RepeatedTest} with a cluster, a {@code @ParameterizedTest} with a seed parameter
 * (of type {@code long}, or named {@code seed} when compiled with {@code -parameters}), a {@code @SimCluster}
 * seed under {@code @SimSeeds}.
 *
 * <pre>{@code
 * @ExtendWith(SimulatedClusterExtension.class)
 * class MyStrategyTest {
 *     @Test
 *     void restartsACrashedFollower(@SimCluster(nodes = 5, seed = 7) SimulatedCluster cluster) {
 *         NodeId leader = cluster.awaitLeader(Duration.ofSeconds(10)).orElseThrow();
 *         ...
 *     }
 * }
 * }</pre>
 *
 * <p>One cluster per test: every {@code SimulatedCluster} parameter of the test method and of its
 * {@code @BeforeEach}/{@code @AfterEach} methods gets the same one. Constructors and {@code @BeforeAll} methods
 * cannot have one. To print the report elsewhere, register an instance with {@code @RegisterExtension}.
 *
 * <p>Thread-safe: it keeps its state in JUnit's per-test store.
 */
@SuppressWarnings("exports") // JUnit is an optional dependency; whoever uses this class has it
public final class SimulatedClusterExtension implements ParameterResolver, AfterEachCallback,
        TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {

    private static final Namespace NAMESPACE = Namespace.create(SimulatedClusterExtension.class);
    private static final String CLUSTER = "cluster";
    private static final String RECOVERY = "recovery";
    private static final String REPORTED = "reported";
    private static final String SEED = "seed";
    private static final String PARAMETERIZED_TEST = "org.junit.jupiter.params.ParameterizedTest";

    private final Consumer<String> report;
    private final int traceLines;

    /** Prints failure reports to standard error, with the last {@value SimReport#DEFAULT_TRACE_LINES} trace lines. */
    public SimulatedClusterExtension() {
        this(System.err::print, SimReport.DEFAULT_TRACE_LINES);
    }

    /**
     * Hands failure reports to {@code report}, with the last {@code traceLines} lines of the trace.
     *
     * @throws NullPointerException if {@code report} is null
     * @throws IllegalArgumentException if {@code traceLines} is negative
     */
    public SimulatedClusterExtension(Consumer<String> report, int traceLines) {
        this.report = Objects.requireNonNull(report, "report");
        if (traceLines < 0) {
            throw new IllegalArgumentException("traceLines must be >= 0, but was " + traceLines);
        }
        this.traceLines = traceLines;
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == SimulatedCluster.class || type == SimulatedRecovery.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        if (context.getTestMethod().isEmpty()) {
            throw new ParameterResolutionException(type.getSimpleName() + " can be injected into test methods and "
                    + "their @BeforeEach/@AfterEach methods only, not into " + parameter.getDeclaringExecutable()
                    + ": each test gets a cluster of its own");
        }
        return type == SimulatedCluster.class ? cluster(parameter, context) : recovery(parameter, context);
    }

    /** Called by a {@link SimSeeds} invocation before the test's {@code @BeforeEach} methods: its seed. */
    static void sweepSeed(ExtensionContext context, long seed) {
        context.getStore(NAMESPACE).put(SEED, seed);
    }

    private static SimulatedCluster cluster(ParameterContext parameter, ExtensionContext context) {
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        SimCluster config = config(SimCluster.class, SimulatedCluster.class, parameter, context);
        SimulatedCluster existing = store.get(CLUSTER, SimulatedCluster.class);
        if (existing != null) {
            return existing;
        }
        long seed = seed(config, store.get(SEED, Long.class), context.getRequiredTestMethod());
        SimulatedCluster cluster;
        try {
            cluster = config == null ? SimulatedCluster.builder().seed(seed).build()
                    : SimulatedCluster.builder().nodes(config.nodes()).seed(seed).preVote(config.preVote())
                    .build();
        } catch (IllegalArgumentException e) {
            throw new ParameterResolutionException("cannot build the simulated cluster from " + config + ": "
                    + e.getMessage(), e);
        }
        store.put(CLUSTER, cluster);
        return cluster;
    }

    /**
     * The seed of the test's cluster: the sweep's in a {@link SimSeeds} invocation, else the annotation's. A
     * combination in which a seed would be silently ignored, or one seed silently repeated, is an error.
     */
    private static long seed(SimCluster config, Long sweep, Method method) {
        long configured = config == null ? SimCluster.DEFAULT_SEED : config.seed();
        if (sweep != null) {
            if (configured != SimCluster.DEFAULT_SEED) {
                throw new ParameterResolutionException(method.getName() + " has @SimSeeds, which gives each "
                        + "invocation its seed, and " + config + ", which names seed " + configured + "; drop the "
                        + "seed from @SimCluster");
            }
            return sweep;
        }
        if (method.isAnnotationPresent(SimSeeds.class)) {
            throw new ParameterResolutionException(method.getName() + " has @SimSeeds and another test annotation "
                    + "(@Test, @RepeatedTest or @ParameterizedTest) that runs it without a seed of the sweep; "
                    + "@SimSeeds runs the test by itself: drop the other one");
        }
        if (method.isAnnotationPresent(RepeatedTest.class)) {
            throw new ParameterResolutionException("@RepeatedTest " + method.getName() + " would run the same "
                    + "simulation with seed " + configured + " every time (a seed gives the same run); sweep "
                    + "seeds with @SimSeeds(from = 1, count = " + method.getAnnotation(RepeatedTest.class).value()
                    + ") instead");
        }
        Optional<Parameter> seedParameter = parameterized(method) ? seedParameter(method) : Optional.empty();
        if (seedParameter.isPresent()) {
            throw new ParameterResolutionException("@ParameterizedTest " + method.getName() + " takes a seed ("
                    + seedParameter.get() + ") that the extension cannot see: every invocation's cluster would "
                    + "have seed " + configured + "; sweep seeds with @SimSeeds({...}) instead, or build the "
                    + "cluster in the test with SimulatedCluster.builder().seed(seed)");
        }
        return configured;
    }

    private static boolean parameterized(Method method) {
        return Arrays.stream(method.getAnnotations())
                .anyMatch(a -> a.annotationType().getName().equals(PARAMETERIZED_TEST));
    }

    /**
     * The parameter of a parameterized test that looks like a seed: one whose name has "seed" in it when the
     * class was compiled with {@code -parameters}, else one of type {@code long}.
     */
    private static Optional<Parameter> seedParameter(Method method) {
        for (Parameter p : method.getParameters()) {
            boolean seed = p.isNamePresent() ? p.getName().toLowerCase(Locale.ROOT).contains("seed")
                    : p.getType() == long.class || p.getType() == Long.class;
            if (seed) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private static SimulatedRecovery recovery(ParameterContext parameter, ExtensionContext context) {
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        SimRecovery config = config(SimRecovery.class, SimulatedRecovery.class, parameter, context);
        SimulatedRecovery existing = store.get(RECOVERY, SimulatedRecovery.class);
        if (existing != null) {
            return existing;
        }
        SimulatedCluster cluster = cluster(parameter, context);
        SimulatedRecovery recovery = RecoveryFactory.build(cluster, config);
        store.put(RECOVERY, recovery);
        return recovery;
    }

    /**
     * The annotation that configures a test's {@code injected} object: on a parameter of that type of the test
     * method, else on the parameter being resolved, else on the test method, else on its class or an enclosing
     * one. A parameter annotated otherwise than the chosen one is a mistake: there is one object per test.
     */
    private static <A extends Annotation> A config(Class<A> annotation, Class<?> injected, ParameterContext parameter,
                                                   ExtensionContext context) {
        Method method = context.getRequiredTestMethod();
        List<A> candidates = new ArrayList<>();
        for (Parameter p : method.getParameters()) {
            if (p.getType() == injected && p.isAnnotationPresent(annotation)) {
                candidates.add(p.getAnnotation(annotation));
            }
        }
        parameter.findAnnotation(annotation).ifPresent(candidates::add);
        if (method.isAnnotationPresent(annotation)) {
            candidates.add(method.getAnnotation(annotation));
        }
        for (Class<?> c = context.getRequiredTestClass(); c != null; c = c.getEnclosingClass()) {
            if (c.isAnnotationPresent(annotation)) {
                candidates.add(c.getAnnotation(annotation));
                break;
            }
        }
        if (candidates.isEmpty()) {
            return null;
        }
        A chosen = candidates.get(0);
        Optional<A> own = parameter.findAnnotation(annotation);
        if (own.isPresent() && !own.get().equals(chosen)) {
            throw new ParameterResolutionException("a test has one " + injected.getSimpleName() + ", but "
                    + parameter.getDeclaringExecutable().getName() + " asks for " + own.get() + " while the test is "
                    + "configured with " + chosen + "; annotate one parameter only");
        }
        return chosen;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        SimulatedCluster cluster = context.getStore(NAMESPACE).get(CLUSTER, SimulatedCluster.class);
        if (cluster != null) {
            SimulatedRecovery.openOn(cluster).forEach(SimulatedRecovery::close);
        }
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        throw report(context, failure);
    }

    @Override
    public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable failure)
            throws Throwable {
        throw report(context, failure);
    }

    @Override
    public void handleAfterEachMethodExecutionException(ExtensionContext context, Throwable failure)
            throws Throwable {
        throw report(context, failure);
    }

    /**
     * Publishes the full report as the test's report entry {@value FailureSummary#REPORT_ENTRY} (surefire, Gradle
     * and IDEs show it with the test), hands it to the report consumer, and returns the failure with the seed and
     * a summary in its message. Once per test: a failure already reported goes on unchanged.
     */
    private Throwable report(ExtensionContext context, Throwable failure) {
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        SimulatedCluster cluster = store.get(CLUSTER, SimulatedCluster.class);
        if (cluster == null || failure instanceof TestAbortedException || store.get(REPORTED) != null) {
            return failure;
        }
        store.put(REPORTED, Boolean.TRUE);
        String full = SimReport.of(cluster, traceLines);
        context.publishReportEntry(FailureSummary.REPORT_ENTRY, full);
        report.accept("\n" + context.getDisplayName() + " failed on a simulated cluster (" + failure.getClass()
                .getName() + ": " + failure.getMessage() + ")\n" + full);
        return FailureSummary.attach(failure, FailureSummary.of(cluster, store.get(SEED) != null));
    }
}
