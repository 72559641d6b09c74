package org.distributedtesting.recovery.core.supervise;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.NodeControl;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.ProcessStatus;
import org.distributedtesting.recovery.spi.ProcessSupervisor;

/**
 * A {@link NodeControl} that sends process actions (start, stop, restart) to a {@link ProcessSupervisor} and
 * every other action to a delegate (the node's own protocol).
 *
 * <p>Thread-safe when the supervisor and the delegate are.
 */
public final class SupervisedNodeControl implements NodeControl {

    /** How long a stopped process gets to end on its own before it is killed. */
    public static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(10);

    private final Map<NodeId, NodeSpec> nodes;
    private final ProcessSupervisor supervisor;
    private final NodeControl delegate;
    private final Duration stopGrace;

    /**
     * @param nodes      the cluster's nodes
     * @param supervisor receives start, stop and restart
     * @param delegate   receives every other action
     * @param stopGrace  time a process gets to stop before it is killed
     * @throws NullPointerException if any argument is null
     */
    public SupervisedNodeControl(List<NodeSpec> nodes, ProcessSupervisor supervisor, NodeControl delegate,
                                 Duration stopGrace) {
        this.nodes = nodes.stream().collect(Collectors.toMap(NodeSpec::id, Function.identity(),
                (a, b) -> a, LinkedHashMap::new));
        this.supervisor = Objects.requireNonNull(supervisor, "supervisor");
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.stopGrace = Objects.requireNonNull(stopGrace, "stopGrace");
    }

    /** A control whose every non-process action fails, for clusters managed only through processes. */
    public static SupervisedNodeControl processesOnly(List<NodeSpec> nodes, ProcessSupervisor supervisor) {
        return new SupervisedNodeControl(nodes, supervisor,
                action -> new ActionResult.Failed("no node control for action '" + action.name() + "'"),
                DEFAULT_STOP_GRACE);
    }

    @Override
    public ActionResult execute(Action action) throws Exception {
        return switch (action.kind()) {
            case START -> started("started", supervisor.start(spec(action.node())), Map.of());
            case STOP -> {
                supervisor.stop(spec(action.node()), stopGrace);
                yield ActionResult.Done.of("stopped");
            }
            case RESTART -> restart(spec(action.node()));
            case STEP_DOWN, PAUSE_ELECTIONS, RESUME_ELECTIONS, CANCEL_OPERATIONS, CLEANUP_RESOURCES, TRIGGER_SYNC,
                 MOVE_ASIDE, RESTORE, RESET, CHECK_DATA, DEMOTE, PROMOTE, RAISE_TERM, CUSTOM -> delegate.execute(action);
        };
    }

    /** The delegate's answer: it carries out the data actions. */
    @Override
    public boolean changesDataWhileStopped(NodeId node) {
        return delegate.changesDataWhileStopped(node);
    }

    private ActionResult restart(NodeSpec spec) throws Exception {
        ProcessStatus before = supervisor.status(spec);
        if (before.isAlive()) {
            supervisor.stop(spec, stopGrace);
        }
        Map<String, Object> previous = new LinkedHashMap<>();
        before.pid().ifPresent(pid -> previous.put("previous_pid", pid));
        before.exitCode().ifPresent(code -> previous.put("previous_exit_code", code));
        return started("restarted", supervisor.start(spec), previous);
    }

    private static ActionResult started(String verb, ProcessStatus status, Map<String, Object> extra) {
        if (!status.isAlive()) {
            return new ActionResult.Failed(verb.replace("ed", "") + " failed: " + status.detail());
        }
        Map<String, Object> data = new LinkedHashMap<>(extra);
        status.pid().ifPresent(pid -> data.put("pid", pid));
        return new ActionResult.Done(verb + status.pid().stream().mapToObj(p -> " with pid " + p)
                .findFirst().orElse(""), data);
    }

    private NodeSpec spec(NodeId id) {
        NodeSpec spec = nodes.get(id);
        if (spec == null) {
            throw new IllegalArgumentException("node '" + id + "' is not in this cluster");
        }
        return spec;
    }
}
