package org.distributedtesting.recovery.core.act;

import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.NodeControl;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeObservation;
import org.distributedtesting.recovery.RecoveryEvent;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.core.report.EventSink;
import org.distributedtesting.recovery.core.state.EngineState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the nodes whose supervisor reports them {@linkplain org.distributedtesting.recovery.ProcessStatus#neverStarted()
 * never started}, such as the nodes not yet running when the daemon started. A start, not a recovery: no failure,
 * no attempt spent, no {@code node_cooldown}, no backoff, no action from the budget; one {@code node_started} record
 * per node. The guards that apply to a start hold: nothing is started with {@code auto_restart} off, in a dry run
 * (planned only), or on a quarantined node; a node whose process may be alive is never reported never started (its
 * supervisor says unknown), and a start lowers no quorum. Each node is tried once per engine: a process that then
 * ends is a crash, recovered by the crash ladder.
 *
 * <p>Not thread-safe; the engine's cycle lock guards it.
 */
public final class ColdStart {

    private static final Logger LOG = LoggerFactory.getLogger(ColdStart.class);

    /** Why a node is started, in its {@code node_started} record. */
    public static final String WHY = "not running when the daemon started: its process was never started";

    private final EngineState state;
    private final NodeControl control;
    private final EventSink sink;
    private final Set<NodeId> tried = new HashSet<>(); // nodes this engine started, or decided not to start
    private final Set<NodeId> awaiting = new HashSet<>(); // started, and not answering yet while their process runs

    /**
     * @throws NullPointerException if an argument is null
     */
    public ColdStart(EngineState state, NodeControl control, EventSink sink) {
        this.state = Objects.requireNonNull(state, "state");
        this.control = Objects.requireNonNull(control, "control");
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    /**
     * Starts every never-started node of {@code observations} not tried before; the nodes it tried now. A node it
     * started awaits its first answer until it answers, or its process is no longer alive (then it has crashed, and
     * the crash ladder recovers it).
     */
    public Set<NodeId> startNeverStarted(Map<NodeId, NodeObservation> observations, Instant now) {
        awaiting.removeIf(node -> {
            NodeObservation o = observations.get(node);
            return o == null || o.reachable() || o instanceof NodeObservation.Unreachable down
                    && !down.process().isAlive();
        });
        Set<NodeId> startedNow = new HashSet<>();
        for (NodeObservation observation : observations.values()) {
            if (observation instanceof NodeObservation.Unreachable down && down.process().neverStarted()
                    && tried.add(down.node())) {
                ActionResult result = start(down.node());
                startedNow.add(down.node());
                if (result.done()) {
                    awaiting.add(down.node());
                    state.startedByEngine(down.node(), state.clock().instant());
                }
                LOG.info("Node '{}' was never started; start: {} ({})", down.node(),
                        result.outcome().journalName(), result.detail());
                sink.emit(new RecoveryEvent.NodeStarted(now, down.node(), result, WHY));
            }
        }
        return startedNow;
    }

    /** How many nodes it started have not answered yet: a cluster with such a node is not healthy yet. */
    public int awaitingAnswer() {
        return awaiting.size();
    }

    private ActionResult start(NodeId node) {
        RecoveryOptions options = state.options();
        if (!options.autoRestart()) {
            return new ActionResult.Refused("auto_restart", "auto_restart is off in recovery_options");
        }
        if (state.quarantined(node)) {
            return new ActionResult.Refused("quarantine", "node '" + node + "' is quarantined");
        }
        if (options.dryRun()) {
            return new ActionResult.Planned("dry run: would start '" + node + "'");
        }
        try {
            ActionResult result = control.execute(new Action.Start(node));
            return result == null ? new ActionResult.Failed("node control returned no result") : result;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ActionResult.Failed("interrupted while starting '" + node + "'");
        } catch (Exception e) {
            return new ActionResult.Failed(String.valueOf(e.getMessage()));
        }
    }
}
