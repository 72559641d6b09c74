package org.distributedtesting.recovery.core.engine;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.NodeControl;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeProbe;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.ProcessStatus;
import org.distributedtesting.recovery.Role;
import org.distributedtesting.recovery.spi.ProcessSupervisor;

/**
 * A tiny in-memory cluster for engine tests: each node is up or down, answers with a status, and records the
 * actions it received. What an action does is up to the test ({@link #onAction}). Thread-safe by synchronization.
 */
public final class FakeCluster implements NodeProbe, NodeControl, ProcessSupervisor {

    public final List<NodeSpec> specs = new ArrayList<>();
    private final Map<NodeId, Boolean> up = new LinkedHashMap<>();
    private final Map<NodeId, Boolean> alive = new LinkedHashMap<>();
    private final Map<NodeId, Boolean> voter = new LinkedHashMap<>();
    private final Map<NodeId, Long> logEnd = new LinkedHashMap<>();
    private final java.util.Set<NodeId> neverStarted = new java.util.HashSet<>();
    private final List<Action> actions = new ArrayList<>();
    private Function<Action, ActionResult> onAction = a -> ActionResult.Done.of("ok");
    private long pid = 1000;
    private volatile java.util.function.Consumer<NodeId> exitListener = node -> { };

    public FakeCluster(int size) {
        for (int i = 1; i <= size; i++) {
            NodeSpec spec = NodeSpec.of("node-" + i, "127.0.0.1", 9000 + i, Path.of("/tmp/node-" + i));
            specs.add(spec);
            up.put(spec.id(), true);
            alive.put(spec.id(), true);
            voter.put(spec.id(), true);
        }
    }

    public static NodeId id(int i) {
        return NodeId.of("node-" + i);
    }

    /** The node stops answering and its process is dead. */
    public synchronized void crash(int i) {
        up.put(id(i), false);
        alive.put(id(i), false);
    }

    /** As {@link #crash}, and the supervisor tells its {@linkplain #onProcessExit exit listener}, as a real one does. */
    public void crashAndTell(int i) {
        crash(i);
        exitListener.accept(id(i));
    }

    @Override
    public void onProcessExit(java.util.function.Consumer<NodeId> listener) {
        exitListener = listener;
    }

    /** The node's process was never started: it does not answer, and its supervisor says so. */
    public synchronized void neverStarted(int i) {
        crash(i);
        neverStarted.add(id(i));
    }

    /** The node stops answering; its process stays alive (cut off, or hung). */
    public synchronized void cutOff(int i) {
        up.put(id(i), false);
    }

    /** The node answers again. */
    public synchronized void heal(int i) {
        neverStarted.remove(id(i));
        up.put(id(i), true);
        alive.put(id(i), true);
    }

    /** The node's log ends at {@code index} (every node reports commit index 10; 10 by default). */
    public synchronized void logEnd(int i, long index) {
        logEnd.put(id(i), index);
    }

    public synchronized void voter(int i, boolean value) {
        voter.put(id(i), value);
    }

    public synchronized void onAction(Function<Action, ActionResult> handler) {
        onAction = handler;
    }

    public synchronized List<Action> actions() {
        return List.copyOf(actions);
    }

    public synchronized boolean isUp(NodeId node) {
        return up.get(node);
    }

    @Override
    public synchronized NodeStatus probe(NodeSpec node, Duration deadline) throws Exception {
        if (!up.get(node.id())) {
            throw new java.net.ConnectException("connection refused");
        }
        boolean leader = node.id().equals(id(1));
        return NodeStatus.builder().role(leader ? Role.LEADER : Role.FOLLOWER).term(1).leader(id(1))
                .commitIndex(10).appliedIndex(10).lastLogIndex(logEnd.getOrDefault(node.id(), 10L))
                .voter(voter.get(node.id())).build();
    }

    @Override
    public synchronized ActionResult execute(Action action) {
        actions.add(action);
        return onAction.apply(action);
    }

    @Override
    public synchronized ProcessStatus status(NodeSpec node) {
        if (neverStarted.contains(node.id())) {
            return ProcessStatus.notStarted();
        }
        return alive.get(node.id()) ? ProcessStatus.alive(pid) : ProcessStatus.exited(pid, 137);
    }

    @Override
    public synchronized ProcessStatus start(NodeSpec node) {
        actions.add(new Action.Start(node.id()));
        neverStarted.remove(node.id()); // started now, whether it then runs or ends
        ActionResult result = onAction.apply(new Action.Start(node.id()));
        if (result.done()) {
            alive.put(node.id(), true);
            return ProcessStatus.alive(++pid);
        }
        return ProcessStatus.dead(result.detail());
    }

    @Override
    public synchronized void stop(NodeSpec node, Duration grace) {
        actions.add(new Action.Stop(node.id()));
        alive.put(node.id(), false);
        up.put(node.id(), false);
    }
}
