package org.distributedtesting.recovery.strategies;

import java.time.Duration;
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
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.RecoveryContext;
import org.distributedtesting.recovery.RungResult;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.SettingsException;
import org.distributedtesting.recovery.core.LadderStrategy;

/**
 * Deadlock: a node that answers its probes but gets no work done. Three signals, any one is enough:
 * <ul>
 *   <li>{@code old_operations}: operations in flight longer than {@code max_operation_age};</li>
 *   <li>{@code apply_stalled}: the applied index has not moved for {@code stall_cycles} cycles while the node's
 *       commit index advanced (its apply loop is stuck);</li>
 *   <li>{@code queue_growing}: the request queue grew in every one of the last {@code stall_cycles} cycles while
 *       nothing was applied;</li>
 *   <li>{@code not_serving}: the node has answered its probes for {@code max_not_serving} without a consensus role
 *       (role unknown: its Raft server is not running, though its protocol server is).</li>
 * </ul>
 * A node whose term is behind the cluster's highest is left to the leadership strategies (unless it does not serve
 * at all: then its term means nothing). "TCP accepts but
 * requests time out" looks, from the monitor, like a node that is unreachable with its process alive: that is the
 * partition strategy's signal, so this strategy does not look at unreachable nodes at all.
 *
 * <p>Ladder, least invasive first: {@code cancel_blocked_operations} (cancel the operations older than the limit;
 * skipped when there are none) &rarr; {@code restart_stuck_component} (the host's {@code restart_stuck_component}
 * action, which restarts the apply loop without a restart of the node; skipped for a node that does not serve at
 * all, whose stuck component is the whole consensus module) &rarr; {@code restart_node} (journaled as
 * {@code restart_deadlocked_node}). Rung records are journaled as {@code recover_deadlock}. Verified when the node
 * answers, has no operation older than the limit and has applied at least up to the commit index it had when the
 * deadlock was detected.
 *
 * <p>The circuit breaker: a node that keeps deadlocking spends its {@code max_restart_attempts} within
 * {@code restart_cooldown}, and the engine then quarantines it and alerts instead of restarting it in a loop;
 * after {@code quarantine_retry_after} the engine lets one more attempt through (half-open), and quarantines the
 * node again if that fails too. That is the engine's, and applies to every strategy.
 *
 * <p>Settings ({@code strategies.deadlock} in the config file), with the reason for each default:
 * <ul>
 *   <li>{@code max_operation_age} (seconds, default 30): see {@link #DEFAULT_MAX_OPERATION_AGE}.</li>
 *   <li>{@code stall_cycles} (default {@value #DEFAULT_STALL_CYCLES}): see {@link #DEFAULT_STALL_CYCLES}.</li>
 *   <li>{@code max_not_serving} (seconds, default 60): see {@link #DEFAULT_MAX_NOT_SERVING}.</li>
 * </ul>
 *
 * <p>Thread-safe and stateless; subclass it and override one rung to change it.
 */
public class DeadlockStrategy extends LadderStrategy {

    /** The strategy's name in the registry and the config file. */
    public static final String NAME = "deadlock";

    /** The journal action of every rung record. */
    public static final String RUNG_ACTION = "recover_deadlock";

    /**
     * The kind of operation a node reports for its own apply loop: counted as blocked, never cancelled (a committed
     * entry must be applied; see docs/node-protocol.md, {@code cancel_operations}).
     */
    public static final String APPLY_KIND = BlockedOperations.APPLY_KIND;

    /** The host action that restarts a node's stuck internal component (its apply loop) in place. */
    public static final String RESTART_STUCK_COMPONENT = "restart_stuck_component";

    /**
     * 30 s: thirty of etcd's 1 s election timeouts. A coordinator commits a write within a few 100 ms heartbeats,
     * so an operation that has run this long is blocked, not slow; and it is half of kube-apiserver's 60 s request
     * timeout, so the operation is cancelled before clients give up on it.
     */
    public static final Duration DEFAULT_MAX_OPERATION_AGE = Duration.ofSeconds(30);

    /**
     * 5 cycles: a healthy node applies a committed entry within one heartbeat (etcd: 100 ms), so an applied index
     * that stands still over five cycles (five seconds at one cycle a second, five election timeouts) while the
     * commit index moves is stuck; a GC pause (under a second) or a follower lagging for two seconds does not come
     * close.
     */
    public static final int DEFAULT_STALL_CYCLES = 5;

    /**
     * 60 s: how long a node may answer without a consensus role. A coordinator replays its log and joins within
     * seconds (a restarted Ratis node here: about 5 s), and a large snapshot install within tens of seconds; a node
     * still without a role after a minute has a Raft server that is not coming up, which only a restart can mend.
     */
    public static final Duration DEFAULT_MAX_NOT_SERVING = Duration.ofSeconds(60);

    /** The signal of a node that answers without a consensus role. */
    public static final String NOT_SERVING = "not_serving";

    private final DeadlockSettings tuning;
    private final DeadlockDetector detector;

    /**
     * @param settings tuning from the config file
     * @throws SettingsException if a setting is unknown or not valid, naming its key
     */
    public DeadlockStrategy(Settings settings) {
        super(NAME, FailureType.DEADLOCK, settings);
        this.tuning = DeadlockSettings.from(settings);
        this.detector = new DeadlockDetector(tuning);
        rung("cancel_blocked_operations", RUNG_ACTION, this::cancelBlockedOperations);
        rung("restart_stuck_component", RUNG_ACTION, this::restartStuckComponent);
        rung("restart_node", RUNG_ACTION, this::restartNode);
    }

    /** With the default settings. */
    public DeadlockStrategy() {
        this(Settings.EMPTY);
    }

    @Override
    protected List<Failure> detect(ClusterSnapshot snapshot, ClusterHistory history) {
        return detector.detect(snapshot, history);
    }

    /** A node answering without a consensus role, or whose apply stands still, not yet for long enough. */
    @Override
    protected List<Failure> forming(ClusterSnapshot snapshot, ClusterHistory history) {
        return detector.forming(snapshot, history);
    }

    /**
     * Rung 0: cancels the node's operations older than {@code max_operation_age}, as the snapshot shows them, except
     * those of kind {@value #APPLY_KIND} (the node applying a committed entry, which a cancel cannot end: the next
     * rung restarts its apply loop). The detector counts the same operations ({@code BlockedOperations}).
     *
     * @return skipped when no operation a cancel can end is that old, saying which apply operations are; acted when
     *         they were cancelled; failed otherwise
     */
    protected RungResult cancelBlockedOperations(Failure failure, RecoveryContext context) {
        List<String> done = new ArrayList<>();
        List<String> applying = new ArrayList<>();
        for (NodeId node : failure.nodes()) {
            NodeStatus status = context.snapshot().status(node).orElse(null);
            BlockedOperations blocked = status == null ? new BlockedOperations(List.of())
                    : detector.blockedOperations(status, context.snapshot().takenAt());
            blocked.uncancellable().forEach(o -> applying.add("'" + node + "' " + o.id()));
            List<String> old = BlockedOperations.ids(blocked.cancellable());
            if (old.isEmpty()) {
                continue;
            }
            ActionResult result = context.perform(new Action.CancelOperations(node, old),
                    new BlockedOperations(blocked.cancellable()).describe(tuning.maxOperationAge()));
            if (!result.succeeded()) {
                return RungResult.failed("cancelling operations on '" + node + "' " + result.detail());
            }
            done.add(result.detail());
        }
        if (!done.isEmpty()) {
            return RungResult.acted(String.join("; ", done));
        }
        return RungResult.skipped(applying.isEmpty()
                ? "no operation older than " + tuning.maxOperationAge().toSeconds() + " s to cancel"
                : "no operation a cancel can end: " + String.join(", ", applying) + " older than "
                        + tuning.maxOperationAge().toSeconds() + " s " + (applying.size() == 1 ? "is" : "are")
                        + " of kind apply (a committed entry being applied, which must finish, not be cancelled);"
                        + " the next rung restarts the stuck apply loop");
    }

    /**
     * Rung 1: asks the host to restart the stuck component (the apply loop) without restarting the node; skipped when
     * the node does not serve at all.
     */
    protected RungResult restartStuckComponent(Failure failure, RecoveryContext context) {
        if (List.of(NOT_SERVING).equals(failure.evidence().get("signals"))) {
            return RungResult.skipped("the node does not serve its consensus role at all: a component restart cannot"
                    + " bring the whole Raft server back");
        }
        List<String> done = new ArrayList<>();
        for (NodeId node : failure.nodes()) {
            Object signals = failure.evidence().getOrDefault("signals", List.of());
            ActionResult result = context.perform(new Action.Custom(node, RESTART_STUCK_COMPONENT,
                    Action.Impact.NONE, Map.of("component", "apply_loop", "signals", signals)),
                    "deadlock: " + signals);
            if (!result.succeeded()) {
                return RungResult.failed("restart of the stuck component on '" + node + "' " + result.detail());
            }
            done.add(result.detail());
        }
        return RungResult.acted(String.join("; ", done));
    }

    /** Rung 2: restarts the node's process, journaled as {@code restart_deadlocked_node}. */
    protected RungResult restartNode(Failure failure, RecoveryContext context) {
        List<String> done = new ArrayList<>();
        for (NodeId node : failure.nodes()) {
            ActionResult result = context.perform(new Action.Restart(node, "restart_deadlocked_node"),
                    "deadlock survived cancelling operations and restarting the stuck component");
            if (!result.succeeded()) {
                return RungResult.failed("restart of '" + node + "' " + result.detail());
            }
            done.add(result.detail());
        }
        return RungResult.acted(String.join("; ", done));
    }

    /**
     * Resolved when every affected node answers, has no operation older than the limit, and has applied at least
     * up to the commit index it reported when the deadlock was detected (it made progress past the stall).
     */
    @Override
    public boolean isResolved(Failure failure, ClusterSnapshot now, ClusterHistory history) {
        long committedThen = failure.evidence().get("commit_index") instanceof Number n ? n.longValue() : -1;
        boolean notServing = failure.evidence().get("signals") instanceof List<?> signals
                && signals.contains(NOT_SERVING);
        for (NodeId node : failure.nodes()) {
            NodeStatus status = now.status(node).orElse(null);
            if (status == null || !detector.blockedOperations(status, now.takenAt()).isEmpty()
                    || (!notServing && status.appliedIndex() < committedThen)
                    || (notServing && !NodeSignals.isMember(status))) {
                return false;
            }
        }
        return super.isResolved(failure, now, history);
    }

    /** Operations older than this are blocked. */
    public Duration maxOperationAge() {
        return tuning.maxOperationAge();
    }

    /** Cycles without apply progress (or with a growing queue) that make a stall. */
    public int stallCycles() {
        return tuning.stallCycles();
    }

    /** How long a node may answer without a consensus role. */
    public Duration maxNotServing() {
        return tuning.maxNotServing();
    }
}
