package org.distributedtesting.recovery.core.supervise;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.ProcessStatus;
import org.distributedtesting.recovery.spi.ProcessSupervisor;

/**
 * One supervisor for a cluster whose nodes are supervised two ways: nodes with supervision commands
 * ({@link NodeSpec#supervision()}, config {@code nodes[].supervise}) go to one supervisor (a
 * {@link CommandSupervisor}), every other node to the other (a {@link LocalProcessSupervisor}).
 *
 * <p>Thread-safe when both supervisors are. {@link #close()} closes both.
 */
public final class RoutingSupervisor implements ProcessSupervisor {

    private final ProcessSupervisor local;
    private final ProcessSupervisor commands;

    /**
     * @param local    supervises the nodes without supervision commands
     * @param commands supervises the nodes with supervision commands
     * @throws NullPointerException if an argument is null
     */
    public RoutingSupervisor(ProcessSupervisor local, ProcessSupervisor commands) {
        this.local = Objects.requireNonNull(local, "local");
        this.commands = Objects.requireNonNull(commands, "commands");
    }

    private ProcessSupervisor of(NodeSpec node) {
        return Objects.requireNonNull(node, "node").supervision().isPresent() ? commands : local;
    }

    @Override
    public ProcessStatus status(NodeSpec node) {
        return of(node).status(node);
    }

    @Override
    public ProcessStatus start(NodeSpec node) throws Exception {
        return of(node).start(node);
    }

    @Override
    public void stop(NodeSpec node, Duration grace) throws Exception {
        of(node).stop(node, grace);
    }

    @Override
    public void onProcessExit(Consumer<NodeId> listener) {
        local.onProcessExit(listener);
        commands.onProcessExit(listener);
    }

    @Override
    public void close() {
        try {
            local.close();
        } finally {
            commands.close();
        }
    }
}
