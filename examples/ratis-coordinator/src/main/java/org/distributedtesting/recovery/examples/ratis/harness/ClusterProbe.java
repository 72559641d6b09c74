package org.distributedtesting.recovery.examples.ratis.harness;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.Role;
import org.distributedtesting.recovery.core.http.client.HttpNodeProbe;

/**
 * Asks the nodes for their status over the node protocol, always directly (past any fault proxy, so a cut link
 * never blinds the test), and finds the leader they agree on.
 *
 * <p>Thread-safe: the probe is; the invariant monitor samples through it while the test thread asks too.
 */
final class ClusterProbe implements AutoCloseable {

    private static final Duration PROBE_DEADLINE = Duration.ofSeconds(3);

    private final ClusterLayout layout;
    private final HttpNodeProbe probe = HttpNodeProbe.builder().build();

    ClusterProbe(ClusterLayout layout) {
        this.layout = layout;
    }

    /** The node ids, {@code node-1} to {@code node-N}. */
    List<String> ids() {
        return layout.ids();
    }

    /**
     * The node's status.
     *
     * @throws IOException              if it does not answer within a few seconds
     * @throws IllegalArgumentException if there is no such node
     */
    NodeStatus status(String id) throws IOException, InterruptedException {
        return probe.probe(layout.direct(id), PROBE_DEADLINE);
    }

    /** The node's status, or empty when it does not answer. */
    Optional<NodeStatus> statusIfUp(String id) {
        try {
            return Optional.of(status(id));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** The leader, if exactly one node leads and every node that answers names it. */
    Optional<String> agreedLeader() {
        Set<String> leaders = new HashSet<>();
        Set<String> named = new HashSet<>();
        for (String id : ids()) {
            Optional<NodeStatus> status = statusIfUp(id);
            if (status.isEmpty()) {
                continue;
            }
            if (status.get().role() == Role.LEADER) {
                leaders.add(id);
            }
            named.add(status.get().leader().map(NodeId::value).orElse(""));
        }
        return leaders.size() == 1 && named.equals(leaders) ? Optional.of(leaders.iterator().next())
                : Optional.empty();
    }

    /**
     * Waits until every node answers.
     *
     * @throws org.awaitility.core.ConditionTimeoutException if one does not within {@code timeout}
     */
    void awaitAnswering(Duration timeout) {
        for (String id : ids()) {
            await("'" + id + "' to answer").atMost(timeout).pollInterval(Duration.ofMillis(100))
                    .ignoreExceptions().until(() -> status(id) != null);
        }
    }

    /** Stops the probe's HTTP client. */
    @Override
    public void close() {
        probe.close();
    }
}
