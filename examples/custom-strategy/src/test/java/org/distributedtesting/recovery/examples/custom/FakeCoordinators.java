package org.distributedtesting.recovery.examples.custom;

import java.net.ConnectException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ActionKind;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.NodeControl;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeProbe;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.ProcessStatus;
import org.distributedtesting.recovery.Resources;
import org.distributedtesting.recovery.Role;
import org.distributedtesting.recovery.spi.ProcessSupervisor;

/**
 * An in-memory coordinator cluster: node-1 leads, the rest follow, all caught up. Each node answers or not, has a
 * live process or not, and a disk fill level. Process actions arrive through the supervisor side; every other
 * action through the control side, where a cleanup frees half of the disk. Records what it was asked to do.
 * Thread-safe by synchronization.
 */
final class FakeCoordinators implements NodeProbe, NodeControl, ProcessSupervisor {

    static final long COMMIT_INDEX = 100;
    static final long DISK_LIMIT = 100L << 30;

    private final List<NodeSpec> specs = new ArrayList<>();
    private final boolean[] up;
    private final long[] diskUsed;
    private final List<Action> actions = new ArrayList<>();
    private final List<NodeId> starts = new ArrayList<>();
    private long nextPid = 4000;

    FakeCoordinators(int size) {
        up = new boolean[size];
        diskUsed = new long[size];
        for (int i = 0; i < size; i++) {
            specs.add(NodeSpec.of("node-" + (i + 1), "127.0.0.1", 7001 + i, Path.of("/srv/node-" + (i + 1))));
            up[i] = true;
            diskUsed[i] = DISK_LIMIT / 4;
        }
    }

    static NodeId id(int n) {
        return NodeId.of("node-" + n);
    }

    List<NodeSpec> specs() {
        return List.copyOf(specs);
    }

    /** Node {@code n} (from 1) stops answering and its process is dead. */
    synchronized void crash(int n) {
        up[n - 1] = false;
    }

    /** Node {@code n} (from 1) reports its disk this full. */
    synchronized void diskRatio(int n, double ratio) {
        diskUsed[n - 1] = Math.round(DISK_LIMIT * ratio);
    }

    synchronized List<Action> actions() {
        return List.copyOf(actions);
    }

    synchronized List<NodeId> starts() {
        return List.copyOf(starts);
    }

    private int index(NodeId node) {
        for (int i = 0; i < specs.size(); i++) {
            if (specs.get(i).id().equals(node)) {
                return i;
            }
        }
        throw new IllegalArgumentException("node '" + node + "' is not in this cluster");
    }

    @Override
    public synchronized NodeStatus probe(NodeSpec node, Duration deadline) throws Exception {
        int i = index(node.id());
        if (!up[i]) {
            throw new ConnectException("connection refused");
        }
        return NodeStatus.builder()
                .role(i == 0 ? Role.LEADER : Role.FOLLOWER)
                .term(3)
                .leader(id(1))
                .commitIndex(COMMIT_INDEX)
                .appliedIndex(COMMIT_INDEX)
                .lastLogIndex(COMMIT_INDEX)
                .resources(new Resources(0.2, 1L << 30, 4L << 30, diskUsed[i], DISK_LIMIT, 100, 65_536))
                .build();
    }

    @Override
    public synchronized ActionResult execute(Action action) {
        actions.add(action);
        if (action.kind() == ActionKind.CLEANUP_RESOURCES) {
            int i = index(action.node());
            diskUsed[i] = diskUsed[i] / 2;
            return ActionResult.Done.of("purged old snapshots");
        }
        return new ActionResult.Failed("the fake does not support '" + action.name() + "'");
    }

    @Override
    public synchronized ProcessStatus status(NodeSpec node) {
        return up[index(node.id())] ? ProcessStatus.alive(nextPid) : ProcessStatus.exited(nextPid, 137);
    }

    @Override
    public synchronized ProcessStatus start(NodeSpec node) {
        up[index(node.id())] = true;
        starts.add(node.id());
        return ProcessStatus.alive(++nextPid);
    }

    @Override
    public synchronized void stop(NodeSpec node, Duration grace) {
        up[index(node.id())] = false;
    }
}
