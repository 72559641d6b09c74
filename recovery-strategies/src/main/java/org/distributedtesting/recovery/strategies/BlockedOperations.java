package org.distributedtesting.recovery.strategies;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.Operation;

/**
 * Which of a node's operations are blocked, and which of those a cancel can end: the one definition that the
 * deadlock detector (its {@code old_operations} signal and evidence) and the deadlock strategy (the
 * {@code cancel_blocked_operations} rung and verification) share, so that the two never disagree about what counts.
 *
 * <p>Blocked: in flight longer than {@code max_operation_age}, whatever its kind. Cancellable: a blocked operation of
 * any kind but {@value #APPLY_KIND}. An {@code apply} operation is the node applying a committed entry to its state
 * machine; a committed entry must be applied on every node, so a cancel cannot end it (dropping it would make the
 * node's state diverge): its stuck apply loop is the next rung's, {@code restart_stuck_component}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param blocked the node's operations older than the limit, in the order it reported them
 */
record BlockedOperations(List<Operation> blocked) {

    /** The kind of operation a node reports for its own apply loop; cancelling it cannot help. */
    static final String APPLY_KIND = "apply";

    /** No operation blocked. */
    static final BlockedOperations NONE = new BlockedOperations(List.of());

    BlockedOperations {
        blocked = List.copyOf(blocked);
    }

    /** The operations of {@code status} in flight longer than {@code maxAge} at {@code at}. */
    static BlockedOperations of(NodeStatus status, Instant at, Duration maxAge) {
        if (status.operations().isEmpty()) {
            return NONE; // most nodes report no operation in flight: asked of every node in every cycle
        }
        return new BlockedOperations(status.operations().stream().filter(o -> o.age(at).compareTo(maxAge) > 0)
                .toList());
    }

    /** Whether a cancel can end this operation: any kind but {@value #APPLY_KIND}. */
    static boolean cancellable(Operation operation) {
        return !APPLY_KIND.equals(operation.kind());
    }

    /** The blocked operations a cancel can end. */
    List<Operation> cancellable() {
        return blocked.stream().filter(BlockedOperations::cancellable).toList();
    }

    /** The blocked operations no cancel ends (the node's own apply loop). */
    List<Operation> uncancellable() {
        return blocked.stream().filter(o -> !cancellable(o)).toList();
    }

    boolean isEmpty() {
        return blocked.isEmpty();
    }

    /** The ids of {@code operations}. */
    static List<String> ids(List<Operation> operations) {
        return operations.stream().map(Operation::id).toList();
    }

    /**
     * "1 operation" or "3 operations" older than {@code maxAge}, with how many of them no cancel ends.
     */
    String describe(Duration maxAge) {
        int apply = uncancellable().size();
        return blocked.size() + (blocked.size() == 1 ? " operation" : " operations") + " older than "
                + maxAge.toSeconds() + " s" + (apply == 0 ? ""
                : apply == blocked.size() ? (apply == 1 ? ", of kind apply, which no cancel ends"
                : ", all of kind apply, which no cancel ends")
                : ", " + apply + " of kind apply, which no cancel ends");
    }
}
