package org.distributedtesting.recovery;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Asks one node for its status. The engine probes all nodes concurrently, each with a deadline, and turns any
 * exception or overrun into an {@link NodeObservation.Unreachable} observation; a probe never has to catch its
 * own failures.
 *
 * <p>A probe comes in two forms. The blocking {@link #probe(NodeSpec, Duration)} is the one to write (a lambda
 * will do): the engine runs it on a thread of its probe executor and interrupts that thread at the deadline. A
 * probe that talks to its nodes asynchronously (a non-blocking HTTP client, a message bus) overrides
 * {@link #probeAsync(NodeSpec, Duration, Executor)} as well, so that a thousand probes in flight hold no thread
 * each; the engine always calls {@code probeAsync}.
 *
 * <p>Implementations must be thread-safe: the engine probes different nodes at the same time.
 */
@FunctionalInterface
public interface NodeProbe {

    /**
     * Returns what the node reports, blocking the calling thread until it knows.
     *
     * @param node     the node to ask
     * @param deadline how long the engine will wait; an implementation should give up by then (the engine
     *                 interrupts it when it does not)
     * @throws Exception when the node cannot be reached or its answer cannot be understood; the message becomes
     *                   the observation's reason
     */
    NodeStatus probe(NodeSpec node, Duration deadline) throws Exception;

    /**
     * Starts asking the node and returns at once with a stage that completes with what the node reports. The
     * engine calls this for every probe, on its cycle thread, one node after another, so an override must not
     * block: it starts the request and returns.
     *
     * <p>The contract of an override:
     * <ul>
     *   <li>It returns without waiting for the node. Work that waits (a blocking client, a file, a lock held for
     *       long) belongs on {@code executor} or the implementation's own threads.</li>
     *   <li>The stage completes normally with a non-null status, or exceptionally with the reason the node could
     *       not be asked; as with {@code probe}, the exception's message becomes the observation's reason. An
     *       exception thrown by this method itself is treated the same way.</li>
     *   <li>The engine waits for the stage until {@code deadline} has passed since it called this method. Then
     *       the node is observed unreachable ({@code "no answer within N ms"}), whatever the stage does later,
     *       and the engine calls {@code cancel(true)} on {@link CompletionStage#toCompletableFuture()} so that
     *       the implementation can drop the request; the stage should complete by the deadline on its own too.
     *       A stage completed after the deadline does not count as an answer.</li>
     *   <li>It may be called for many nodes at once, from different threads.</li>
     * </ul>
     *
     * <p>The default runs the blocking {@link #probe(NodeSpec, Duration)} on {@code executor}; cancelling the
     * returned future (as the engine does at the deadline) interrupts the thread that runs it. With an executor
     * that runs tasks on the calling thread ({@code Runnable::run}), the probe runs to its end inside this call,
     * and an answer later than the deadline still counts as none.
     *
     * @param node     the node to ask
     * @param deadline how long the engine will wait, counted from this call
     * @param executor where a blocking probe may run; an asynchronous implementation need not use it
     * @return a stage that completes with the node's status, or exceptionally with why there is none
     */
    default CompletionStage<NodeStatus> probeAsync(NodeSpec node, Duration deadline, Executor executor) {
        return BlockingProbe.start(this, node, deadline, executor);
    }
}
