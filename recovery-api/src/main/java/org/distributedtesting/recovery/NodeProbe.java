package org.distributedtesting.recovery;

import java.time.Duration;

/**
 * Asks one node for its status. The engine probes all nodes concurrently, each with a deadline, and turns any
 * exception or overrun into an {@link NodeObservation.Unreachable} observation; a probe never has to catch its
 * own failures.
 *
 * <p>Implementations must be thread-safe: the engine probes different nodes at the same time.
 */
@FunctionalInterface
public interface NodeProbe {

    /**
     * Returns what the node reports.
     *
     * @param node     the node to ask
     * @param deadline how long the engine will wait; an implementation should give up by then (the engine
     *                 interrupts it when it does not)
     * @throws Exception when the node cannot be reached or its answer cannot be understood; the message becomes
     *                   the observation's reason
     */
    NodeStatus probe(NodeSpec node, Duration deadline) throws Exception;
}
