package org.distributedtesting.recovery.core.sim;

import java.time.Duration;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.ProcessStatus;
import org.distributedtesting.recovery.spi.ProcessSupervisor;

/**
 * Starts and stops simulated nodes' processes. Process ids are made up but stable: the node's number times 1000
 * plus its start count. A crash loop makes a started node die again shortly; a node whose process fails to start
 * (on a log or database that fails its check) ends at once with exit code 1, and its status says so until it runs
 * again, with what the node's own checks say of its stopped data (as the daemon's maintenance command would find).
 * A node that refuses recovery actions neither starts nor stops.
 *
 * <p>Thread-safe: holds the cluster's lock.
 */
final class SimSupervisor implements ProcessSupervisor {

    private final SimulatedCluster cluster;

    SimSupervisor(SimulatedCluster cluster) {
        this.cluster = cluster;
    }

    static long pid(RaftNode node) {
        return (node.index + 1) * 1000L + node.starts;
    }

    @Override
    public ProcessStatus status(NodeSpec spec) {
        synchronized (cluster) {
            RaftNode node = cluster.simulation().node(spec.id());
            if (node.alive) {
                return ProcessStatus.alive(pid(node));
            }
            ProcessStatus status = ProcessStatus.exited(pid(node), node.faults.failsToStart ? 1 : node.exitCode);
            return status.endedByItself() ? status.withDataChecks(node.log.check(), node.db.check()) : status;
        }
    }

    @Override
    public ProcessStatus start(NodeSpec spec) {
        synchronized (cluster) {
            Simulation sim = cluster.simulation();
            RaftNode node = sim.node(spec.id());
            if (node.alive) {
                return ProcessStatus.alive(pid(node));
            }
            sim.actionExecuting(new org.distributedtesting.recovery.Action.Start(node.id));
            if (node.faults.refusesActions) {
                sim.trace(node.id + " refused to start (injected)");
                return ProcessStatus.exited(pid(node), 1);
            }
            node.start();
            if (node.faults.failsToStart || node.log.check().failed() || node.db.check().failed()) {
                node.stop("its start failed");
                node.exitCode = 1;
                sim.trace(node.id + " failed to start: log " + node.log.check().detail() + ", database "
                        + node.db.check().detail());
                return ProcessStatus.exited(pid(node), 1);
            }
            if (node.faults.crashLoopsLeft > 0) {
                node.faults.crashLoopsLeft--;
                long starts = node.starts;
                sim.loop.schedule(node.faults.crashLoopAfterMillis, () -> {
                    if (node.alive && node.starts == starts) {
                        node.crash();
                    }
                });
            }
            return ProcessStatus.alive(pid(node));
        }
    }

    @Override
    public void stop(NodeSpec spec, Duration grace) {
        synchronized (cluster) {
            Simulation sim = cluster.simulation();
            RaftNode node = sim.node(spec.id());
            if (node.alive && node.faults.refusesActions) {
                sim.trace(node.id + " refused to stop (injected)");
                throw new IllegalStateException("node '" + node.id + "' refused to stop (injected)");
            }
            if (node.alive) {
                sim.actionExecuting(new org.distributedtesting.recovery.Action.Stop(node.id));
                node.stop("by the engine's supervisor");
            }
        }
    }
}
