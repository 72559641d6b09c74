package org.distributedtesting.recovery;

/**
 * Carries out actions on nodes: the host coordinator's own operations, a remote node protocol, a process
 * supervisor, or the simulated cluster. The engine calls it only after its safety guards allowed the action.
 *
 * <p>Implementations must be thread-safe.
 */
@FunctionalInterface
public interface NodeControl {

    /**
     * Carries out one action and says what came of it. An action the control does not support returns
     * {@link ActionResult.Failed} naming it.
     *
     * @throws Exception on failure; the engine turns it into {@link ActionResult.Failed}
     */
    ActionResult execute(Action action) throws Exception;

    /**
     * Whether this control can move aside, restore and reset the data of {@code node} while the node's process is
     * stopped. The repair strategies stop a node before they change its data; when its data actions are requests
     * to the node itself, nothing answers them then, and the repair could only start the node again on the data it
     * was stopped to repair. Such a repair is not begun, and the failure is escalated with the reason.
     *
     * <p>The default says it can: a host's own control, the simulated cluster and a maintenance command reach the
     * data of a stopped node.
     *
     * @param node a node of the cluster
     */
    default boolean changesDataWhileStopped(NodeId node) {
        return true;
    }
}
