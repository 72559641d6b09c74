package org.distributedtesting.recovery.examples.ratis;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.Operation;

/**
 * The custom actions a coordinator node understands: those the built-in strategies send
 * ({@value #RESTART_STUCK_COMPONENT}, {@value #REJECT_NEW_WORK}, {@value #ENFORCE_MEMORY_LIMIT},
 * {@value #USE_ALTERNATIVE_ADDRESS}) and, only on a node started with {@code --fault-hooks}, the faults for tests
 * and the demo ({@value #FAULT_HANG_APPLY}, {@value #FAULT_SLOW_APPLY} with {@code delay_ms},
 * {@value #FAULT_DIVERGE_APPLY} with {@code count} (default 1), {@value #FAULT_FILL_DISK} with {@code ratio},
 * {@value #FAULT_CLEAR}); see {@link FaultHooks} for what each does.
 *
 * <p>Thread-safe when the node is.
 */
final class CustomActions {

    static final String RESTART_STUCK_COMPONENT = "restart_stuck_component";
    static final String REJECT_NEW_WORK = "reject_new_work";
    static final String ENFORCE_MEMORY_LIMIT = "enforce_memory_limit";
    static final String USE_ALTERNATIVE_ADDRESS = "use_alternative_address";
    static final String FAULT_HANG_APPLY = "fault_hang_apply";
    static final String FAULT_SLOW_APPLY = "fault_slow_apply";
    static final String FAULT_DIVERGE_APPLY = "fault_diverge_apply";
    static final String FAULT_FILL_DISK = "fault_fill_disk";
    static final String FAULT_CLEAR = "fault_clear";

    private static final List<String> KNOWN = List.of(RESTART_STUCK_COMPONENT, REJECT_NEW_WORK,
            ENFORCE_MEMORY_LIMIT, USE_ALTERNATIVE_ADDRESS, FAULT_HANG_APPLY, FAULT_SLOW_APPLY, FAULT_DIVERGE_APPLY,
            FAULT_FILL_DISK, FAULT_CLEAR);

    private final CoordinatorNode node;

    CustomActions(CoordinatorNode node) {
        this.node = Objects.requireNonNull(node, "node");
    }

    ActionResult execute(Action.Custom action) throws IOException, SQLException {
        String name = action.name();
        if (name.startsWith("fault_") && !node.faults().isEnabled()) {
            return new ActionResult.Failed("fault hooks are off on '" + node.id() + "': start the node with"
                    + " --fault-hooks to use '" + name + "'");
        }
        if (USE_ALTERNATIVE_ADDRESS.equals(name)) {
            return new ActionResult.Failed("'" + node.id() + "' listens on one address only ("
                    + node.self().address() + "): there is no alternative to switch to");
        }
        if (FAULT_FILL_DISK.equals(name)) {
            double ratio = number(action.parameters(), "ratio", 0.95);
            Path file = node.faults().fillDisk(node.dataDir(), node.options().diskQuota(), ratio);
            return ActionResult.Done.of(file == null ? "the data directory uses " + ratio + " of its quota already"
                    : "filled the data directory to " + ratio + " of its quota with " + file.getFileName());
        }
        CoordinatorStateMachine sm = node.stateMachine();
        if (sm == null) {
            return new ActionResult.Failed("the Raft server of '" + node.id() + "' is not running");
        }
        return switch (name) {
            case RESTART_STUCK_COMPONENT -> restartStuckComponent(sm);
            case REJECT_NEW_WORK -> {
                boolean reject = !Boolean.FALSE.equals(action.parameters().get("enabled"));
                sm.rejectNewWork(reject);
                yield ActionResult.Done.of(reject ? "'" + node.id() + "' refuses new tasks while it leads"
                        : "'" + node.id() + "' accepts new tasks again");
            }
            case ENFORCE_MEMORY_LIMIT -> {
                Runtime runtime = Runtime.getRuntime();
                long before = runtime.totalMemory() - runtime.freeMemory();
                sm.shrinkMemory();
                System.gc();
                long after = runtime.totalMemory() - runtime.freeMemory();
                yield new ActionResult.Done("heap in use " + before + " -> " + after + " bytes of "
                        + runtime.maxMemory() + "; SQLite's caches released", Map.of("before", before,
                        "after", after));
            }
            case FAULT_HANG_APPLY -> {
                node.faults().hangApply();
                yield ActionResult.Done.of("the next apply on '" + node.id() + "' hangs until "
                        + RESTART_STUCK_COMPONENT + " or " + FAULT_CLEAR);
            }
            case FAULT_SLOW_APPLY -> {
                long delay = (long) number(action.parameters(), "delay_ms", 500);
                node.faults().slowApply(Duration.ofMillis(delay));
                yield ActionResult.Done.of("every apply on '" + node.id() + "' takes " + delay + " ms longer");
            }
            case FAULT_DIVERGE_APPLY -> {
                double count = number(action.parameters(), "count", 1);
                if (count != Math.rint(count) || count < 1 || count > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("count must be a whole number > 0, but was "
                            + action.parameters().get("count"));
                }
                node.faults().divergeApply((int) count);
                yield ActionResult.Done.of("the next " + (int) count + " task insert(s) on '" + node.id()
                        + "' store a wrong payload; applied index " + sm.applied().index());
            }
            case FAULT_CLEAR -> {
                node.faults().clear();
                yield ActionResult.Done.of("apply faults on '" + node.id() + "' cleared");
            }
            default -> new ActionResult.Failed("unknown custom action '" + name + "'; '" + node.id() + "' knows "
                    + KNOWN);
        };
    }

    private ActionResult restartStuckComponent(CoordinatorStateMachine sm) {
        List<Operation> running = sm.operations();
        Optional<String> halted = sm.applyFailure();
        boolean held = node.faults().holdingApply();
        boolean slowed = node.faults().slowed();
        node.faults().release();
        sm.retryApply();
        if (held || slowed) {
            return ActionResult.Done.of("released the apply loop of '" + node.id() + "' from the fault hook"
                    + (held ? " holding " + running : " slowing it") + "; it applies again");
        }
        if (halted.isPresent()) {
            return ActionResult.Done.of("woke the halted apply loop of '" + node.id() + "' to retry now: "
                    + halted.get());
        }
        if (!running.isEmpty()) {
            return new ActionResult.Failed("'" + running.get(0).id() + "' has run since "
                    + running.get(0).startedAt() + ", held by nothing this node can release: restart the node");
        }
        return ActionResult.Done.of("the apply loop of '" + node.id() + "' is not stuck: applied "
                + sm.applied().index());
    }

    private static double number(Map<String, Object> parameters, String key, double fallback) {
        Object value = parameters.get(key);
        if (value == null) {
            return fallback;
        }
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        try {
            return Double.parseDouble(value.toString());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number, but was '" + value + "'", e);
        }
    }
}
