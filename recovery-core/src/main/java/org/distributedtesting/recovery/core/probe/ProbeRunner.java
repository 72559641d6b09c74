package org.distributedtesting.recovery.core.probe;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.distributedtesting.recovery.NodeObservation;
import org.distributedtesting.recovery.NodeProbe;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.ProcessStatus;
import org.distributedtesting.recovery.spi.ProcessSupervisor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The probe stage: probes nodes concurrently, each probe with its own deadline counted from when it starts: a probe still
 * running at its deadline is cancelled (its thread interrupted) and the node is observed unreachable, so a hung
 * node never holds a cycle longer than one deadline. Any exception from a probe becomes an unreachable
 * observation too.
 *
 * <p>Thread-safe; the executor and timer are owned by the engine.
 */
public final class ProbeRunner {

    private static final Logger LOG = LoggerFactory.getLogger(ProbeRunner.class);

    private final NodeProbe probe;
    private final ProcessSupervisor supervisor;
    private final Clock clock;
    private final Executor executor;
    private final ScheduledExecutorService timer;
    private final Duration deadline;

    /**
     * @param probe      asks a node for its status
     * @param supervisor tells whether a node's process is alive; null when no supervisor is configured
     * @param clock      stamps observations
     * @param executor   runs the probes
     * @param timer      cancels probes at their deadline
     * @param deadline   the deadline of one probe
     */
    public ProbeRunner(NodeProbe probe, ProcessSupervisor supervisor, Clock clock, Executor executor,
                       ScheduledExecutorService timer, Duration deadline) {
        this.probe = Objects.requireNonNull(probe, "probe");
        this.supervisor = supervisor;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.timer = Objects.requireNonNull(timer, "timer");
        this.deadline = Objects.requireNonNull(deadline, "deadline");
    }

    /** Probes every node; one observation per node, in the nodes' order. Never throws for a node's failure. */
    public Map<org.distributedtesting.recovery.NodeId, NodeObservation> probeAll(List<NodeSpec> nodes) {
        List<FutureTask<Timed>> tasks = new ArrayList<>(nodes.size());
        for (NodeSpec node : nodes) {
            FutureTask<Timed> task = newTask(node);
            tasks.add(task);
            executor.execute(task);
        }
        Map<org.distributedtesting.recovery.NodeId, NodeObservation> observations = new LinkedHashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            NodeSpec node = nodes.get(i);
            observations.put(node.id(), collect(node, tasks.get(i)));
        }
        return observations;
    }

    /** Probes one node. Never throws for the node's failure. */
    public NodeObservation probe(NodeSpec node) {
        FutureTask<Timed> task = newTask(node);
        executor.execute(task);
        return collect(node, task);
    }

    private record Timed(NodeStatus status, long nanos) {
    }

    private FutureTask<Timed> newTask(NodeSpec node) {
        AtomicReference<FutureTask<Timed>> self = new AtomicReference<>();
        FutureTask<Timed> task = new FutureTask<>(() -> {
            ScheduledFuture<?> guard = timer.schedule(() -> self.get().cancel(true), deadline.toNanos(),
                    TimeUnit.NANOSECONDS);
            long start = System.nanoTime();
            try {
                NodeStatus status = probe.probe(node, deadline);
                if (status == null) {
                    throw new IllegalStateException("probe returned no status");
                }
                return new Timed(status, System.nanoTime() - start);
            } finally {
                guard.cancel(false);
            }
        });
        self.set(task);
        return task;
    }

    private NodeObservation collect(NodeSpec node, FutureTask<Timed> task) {
        String reason;
        Timed timed = null;
        try {
            timed = task.get();
            reason = null;
        } catch (CancellationException e) {
            reason = "no answer within " + deadline.toMillis() + " ms";
        } catch (ExecutionException e) {
            reason = describe(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            reason = "probe interrupted";
        }
        ProcessStatus process = processStatus(node);
        if (timed != null) {
            LOG.debug("probed '{}' in {} us: {} term {}", node.id(), timed.nanos / 1000, timed.status.role(),
                    timed.status.term());
            return new NodeObservation.Reachable(node.id(), clock.instant(), Duration.ofNanos(timed.nanos),
                    timed.status, process);
        }
        LOG.debug("probe of '{}' failed: {}", node.id(), reason);
        return new NodeObservation.Unreachable(node.id(), clock.instant(), reason, process);
    }

    private ProcessStatus processStatus(NodeSpec node) {
        if (supervisor == null) {
            return ProcessStatus.unknown();
        }
        try {
            ProcessStatus status = supervisor.status(node);
            return status == null ? ProcessStatus.unknown() : status;
        } catch (RuntimeException e) {
            LOG.warn("supervisor could not tell the process status of '{}': {}", node.id(), e.toString());
            return ProcessStatus.unknown();
        }
    }

    /** One line on what went wrong: the message of {@code t} or of its first cause that has one, else its type. */
    public static String describe(Throwable t) {
        if (t == null) {
            return "probe failed";
        }
        String message = t.getMessage();
        String kind = t.getClass().getSimpleName();
        if (message == null || message.isBlank()) {
            return t.getCause() != null && t.getCause() != t ? describe(t.getCause()) : kind;
        }
        return message;
    }
}
