package org.distributedtesting.recovery.spi;

import java.time.Duration;
import java.util.function.Consumer;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.ProcessStatus;

/**
 * Starts, stops and watches nodes' processes: a local child process, a systemd unit, a container, the simulated
 * cluster. The engine asks it whether a node's process is alive (to tell a crash from a partition) and routes
 * start, stop and restart actions to it.
 *
 * <p>Implementations must be thread-safe.
 */
public interface ProcessSupervisor extends AutoCloseable {

    /** What is known about the node's process now; never throws. */
    ProcessStatus status(NodeSpec node);

    /**
     * Starts the node's process if it is not running.
     *
     * @return the status after starting, with the new process id when there is one
     * @throws Exception when the process could not be started
     */
    ProcessStatus start(NodeSpec node) throws Exception;

    /**
     * Stops the node's process: politely first, forcibly after {@code grace}. Returns when it has ended.
     *
     * @throws Exception when the process could not be stopped
     */
    void stop(NodeSpec node, Duration grace) throws Exception;

    /**
     * Asks to be told when this supervisor sees a node's process end (it crashed, was killed, or was stopped), so
     * that a running engine looks at once instead of at its next cycle. {@code listener} is called from any thread,
     * once per process that ends, and must return quickly; a later call replaces the listener. The engine treats a
     * call as a hint only: what it acts on is what {@link #status} then says. A supervisor that cannot watch
     * processes ignores it (the default), and an ended process is found at the next cycle.
     *
     * @param listener called with the node whose process ended
     */
    default void onProcessExit(Consumer<NodeId> listener) {
    }

    /** Releases what the supervisor holds; it does not stop the processes it started unless it says so. */
    @Override
    default void close() {
    }
}
