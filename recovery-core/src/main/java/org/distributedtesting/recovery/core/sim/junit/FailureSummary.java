package org.distributedtesting.recovery.core.sim.junit;

import java.util.List;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.core.sim.NodeView;
import org.distributedtesting.recovery.core.sim.SimulatedCluster;
import org.opentest4j.AssertionFailedError;

/**
 * What a failed test on the simulated cluster says in its own message: the seed, the cluster's state in one line,
 * the invariants' verdict and how to replay, so that a report showing only the message (surefire's XML, a CI
 * summary) still names the seed.
 *
 * <p>Stateless and thread-safe.
 */
final class FailureSummary {

    /** The report entry key under which the extension publishes the full report of a failed test. */
    static final String REPORT_ENTRY = "sim.report";

    private FailureSummary() {
    }

    /** One paragraph about {@code cluster}; {@code sweep} when the seed came from a {@link SimSeeds} sweep. */
    static String of(SimulatedCluster cluster, boolean sweep) {
        long seed = cluster.config().seed();
        List<NodeView> views = cluster.views();
        List<NodeId> down = views.stream().filter(v -> !v.alive()).map(NodeView::id).toList();
        String invariants = cluster.invariants().report().lines().findFirst().orElse("");
        return "simulated cluster: seed " + seed + ", " + views.size() + " nodes, at "
                + VirtualTime.at(cluster.clock().millis()) + " virtual; leaders " + cluster.leaders()
                + (down.isEmpty() ? "; every node up" : "; down " + down) + "; " + invariants
                + (sweep ? "; replay this seed alone with -D" + SimSeeds.REPLAY_PROPERTY + "=" + seed : "")
                + "; full report in the test's report entry '" + REPORT_ENTRY + "'";
    }

    /**
     * {@code failure} with {@code summary} appended to its message: an {@link AssertionFailedError} stays one
     * (with its expected and actual values, for an IDE's diff), another {@link AssertionError} becomes a plain one;
     * either way the original is the cause and its stack trace is kept. Anything else is returned as it is, with
     * the summary as a suppressed exception, so its type still says what went wrong.
     */
    static Throwable attach(Throwable failure, String summary) {
        String message = (failure.getMessage() == null ? failure.getClass().getName() : failure.getMessage())
                + "\n" + summary;
        Throwable augmented;
        if (failure instanceof AssertionFailedError e && (e.isExpectedDefined() || e.isActualDefined())) {
            // a ValueWrapper passed on is kept as it is, not wrapped again
            augmented = new AssertionFailedError(message, e.getExpected(), e.getActual(), failure);
        } else if (failure instanceof AssertionFailedError) {
            augmented = new AssertionFailedError(message, failure);
        } else if (failure instanceof AssertionError) {
            augmented = new AssertionError(message, failure);
        } else {
            failure.addSuppressed(new OnASimulatedCluster(summary));
            return failure;
        }
        augmented.setStackTrace(failure.getStackTrace());
        return augmented;
    }

    /** The summary beside an exception that is not an assertion's; it has no stack trace of its own. */
    static final class OnASimulatedCluster extends Throwable {
        private static final long serialVersionUID = 1L;

        OnASimulatedCluster(String summary) {
            super(summary, null, false, false);
        }
    }
}
