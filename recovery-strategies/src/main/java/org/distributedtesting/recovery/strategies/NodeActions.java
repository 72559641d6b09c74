package org.distributedtesting.recovery.strategies;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.RecoveryContext;
import org.distributedtesting.recovery.RungResult;

/**
 * The body of a rung that performs one action on each affected node in turn and stops at the first that fails, so
 * that a guard's refusal on one node is not repeated on the next.
 *
 * <p>Stateless and thread-safe.
 */
final class NodeActions {

    private NodeActions() {
    }

    /**
     * Performs {@code action} on each of the failure's nodes through {@link RecoveryContext#perform}.
     *
     * @return acted with every action's detail; failed with the first action that failed or was refused
     */
    static RungResult performOnEach(Failure failure, RecoveryContext context, Function<NodeId, Action> action,
                                    String reason) {
        List<String> done = new ArrayList<>();
        for (NodeId node : failure.nodes()) {
            Action a = action.apply(node);
            ActionResult result = context.perform(a, reason);
            if (!result.succeeded()) {
                return RungResult.failed(a.name() + " on '" + node + "' " + result.detail());
            }
            done.add(result.detail());
        }
        return RungResult.acted(String.join("; ", done));
    }
}
