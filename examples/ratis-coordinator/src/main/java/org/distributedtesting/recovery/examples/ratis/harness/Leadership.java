package org.distributedtesting.recovery.examples.ratis.harness;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.core.http.client.HttpNodeControl;

/**
 * Who leads the cluster: waits for a leader that every answering node follows, names its followers, and hands
 * leadership to a chosen node.
 *
 * <p>Not thread-safe: used by the thread that drives the harness.
 */
final class Leadership {

    private final ClusterLayout layout;
    private final ClusterProbe probe;
    private final HttpNodeControl control;
    private final Duration wait;

    /**
     * @param layout  the nodes
     * @param probe   asks the nodes who leads
     * @param control hands leadership over (through the current leader)
     * @param wait    the bound of each wait
     */
    Leadership(ClusterLayout layout, ClusterProbe probe, HttpNodeControl control, Duration wait) {
        this.layout = layout;
        this.probe = probe;
        this.control = control;
        this.wait = wait;
    }

    /**
     * Waits until exactly one node leads and every node that answers knows it.
     *
     * @return the leader
     * @throws org.awaitility.core.ConditionTimeoutException after the wait
     */
    String awaitLeader() {
        return await("one leader that every answering node follows").atMost(wait).pollInterval(Duration.ofMillis(50))
                .until(probe::agreedLeader, Optional::isPresent).orElseThrow();
    }

    /** The nodes other than the agreed leader, once there is one. */
    List<String> followers() {
        String leader = awaitLeader();
        return layout.ids().stream().filter(id -> !id.equals(leader)).toList();
    }

    /**
     * Makes {@code id} the leader: asks the current leader to hand leadership to it (Ratis' transfer of
     * leadership), and waits until every node follows it.
     *
     * @throws IllegalArgumentException if there is no such node
     * @throws IllegalStateException if the leader refuses
     * @throws org.awaitility.core.ConditionTimeoutException if {@code id} does not lead within the wait
     */
    void makeLeader(String id) throws InterruptedException {
        layout.spec(id); // an unknown node fails here, before anything is asked of the cluster
        String leader = awaitLeader();
        if (leader.equals(id)) {
            return;
        }
        ActionResult result = control.execute(new Action.StepDown(NodeId.of(leader), Optional.of(NodeId.of(id))));
        if (!result.done()) {
            throw new IllegalStateException("'" + leader + "' did not hand leadership to '" + id + "': "
                    + result.detail());
        }
        await("'" + id + "' to lead").atMost(wait).pollInterval(Duration.ofMillis(100))
                .until(() -> probe.agreedLeader().filter(id::equals).isPresent());
    }
}
