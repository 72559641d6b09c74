package org.distributedtesting.recovery.core.supervise;

import java.util.Objects;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.RecoveryException;

/**
 * A node's process could not be started or stopped. The message names the node and, for a start, the command.
 *
 * <p>Immutable once thrown.
 */
public class SupervisionException extends RecoveryException {

    private static final long serialVersionUID = 1L;

    private final NodeId node;

    /**
     * @param node    the node whose process could not be handled
     * @param message what went wrong, naming the node
     */
    public SupervisionException(NodeId node, String message) {
        super(message);
        this.node = Objects.requireNonNull(node, "node");
    }

    /**
     * @param node    the node whose process could not be handled
     * @param message what went wrong, naming the node
     * @param cause   the underlying error
     */
    public SupervisionException(NodeId node, String message, Throwable cause) {
        super(message, cause);
        this.node = Objects.requireNonNull(node, "node");
    }

    /** The node whose process could not be handled. */
    public NodeId node() {
        return node;
    }
}
