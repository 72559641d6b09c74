package org.distributedtesting.recovery.core.sim.harness;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.ClusterHistory;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeObservation;
import org.distributedtesting.recovery.RecoveryContext;
import org.distributedtesting.recovery.RungResult;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.Severity;
import org.distributedtesting.recovery.core.LadderStrategy;

/**
 * The smallest crash strategy, for the simulator's test support (no built-in strategy lives in core): a node that
 * does not answer and whose process is dead is restarted; resolved once the detector no longer sees it.
 *
 * <p>Stateless and thread-safe.
 */
public final class TinyCrashStrategy extends LadderStrategy {

    /** The strategy's name. */
    public static final String NAME = "tiny_crash";

    /** The one rung. */
    public static final String RESTART = "restart";

    /** Public and without arguments, so {@code @SimRecovery(strategies = TinyCrashStrategy.class)} can build it. */
    public TinyCrashStrategy() {
        super(NAME, FailureType.PROCESS_CRASH, Settings.EMPTY);
        rung(RESTART, this::restart);
    }

    @Override
    protected List<Failure> detect(ClusterSnapshot snapshot, ClusterHistory history) {
        List<Failure> failures = new ArrayList<>();
        for (NodeObservation observation : snapshot.observations().values()) {
            if (observation instanceof NodeObservation.Unreachable down && down.process().isDead()) {
                failures.add(Failure.of(type(), List.of(down.node()), Severity.HIGH,
                        "'" + down.node() + "' is down", Map.of("probe_error", down.reason())));
            }
        }
        return failures;
    }

    private RungResult restart(Failure failure, RecoveryContext context) {
        for (NodeId node : failure.nodes()) {
            ActionResult result = context.perform(new Action.Restart(node), "process dead");
            if (!(result instanceof ActionResult.Done) && !(result instanceof ActionResult.Planned)) {
                return RungResult.failed("restart of '" + node + "' " + result.detail());
            }
        }
        return RungResult.acted("restarted " + failure.nodes());
    }
}
