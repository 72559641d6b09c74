package org.distributedtesting.recovery.core.sim.junit;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.distributedtesting.recovery.core.sim.SimulatedCluster;
import org.distributedtesting.recovery.core.sim.harness.SimReport;
import org.distributedtesting.recovery.core.sim.harness.SimulatedRecovery;
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
 * When the test (or one of its {@code @BeforeEach}/{@code @AfterEach} methods) fails, it prints the cluster's
 * state, the last {@value SimReport#DEFAULT_TRACE_LINES} lines of its trace and the journal and events of every
 * recovery still open on it, then rethrows the failure unchanged. After each test it closes those recoveries.
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

    private static SimulatedCluster cluster(ParameterContext parameter, ExtensionContext context) {
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        SimCluster config = config(SimCluster.class, SimulatedCluster.class, parameter, context);
        SimulatedCluster existing = store.get(CLUSTER, SimulatedCluster.class);
        if (existing != null) {
            return existing;
        }
        SimulatedCluster cluster;
        try {
            cluster = config == null ? SimulatedCluster.builder().build()
                    : SimulatedCluster.builder().nodes(config.nodes()).seed(config.seed()).preVote(config.preVote())
                    .build();
        } catch (IllegalArgumentException e) {
            throw new ParameterResolutionException("cannot build the simulated cluster from " + config + ": "
                    + e.getMessage(), e);
        }
        store.put(CLUSTER, cluster);
        return cluster;
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
        report(context, failure);
        throw failure;
    }

    @Override
    public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable failure)
            throws Throwable {
        report(context, failure);
        throw failure;
    }

    @Override
    public void handleAfterEachMethodExecutionException(ExtensionContext context, Throwable failure)
            throws Throwable {
        report(context, failure);
        throw failure;
    }

    private void report(ExtensionContext context, Throwable failure) {
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        SimulatedCluster cluster = store.get(CLUSTER, SimulatedCluster.class);
        if (cluster == null || failure instanceof TestAbortedException || store.get(REPORTED) != null) {
            return;
        }
        store.put(REPORTED, Boolean.TRUE);
        report.accept("\n" + context.getDisplayName() + " failed on a simulated cluster (" + failure.getClass()
                .getName() + ": " + failure.getMessage() + ")\n" + SimReport.of(cluster, traceLines));
    }
}
