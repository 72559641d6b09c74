package org.distributedtesting.recovery.core.probe;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeObservation;
import org.distributedtesting.recovery.NodeProbe;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.ProcessStatus;
import org.distributedtesting.recovery.spi.ProcessSupervisor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The probe stage: starts every node's probe through {@link NodeProbe#probeAsync}, each with its own deadline
 * counted from when it was started, and collects the answers. A probe not complete at its deadline is cancelled
 * (a blocking probe's thread is interrupted) and the node is observed unreachable, so a hung node never holds a
 * cycle longer than one deadline. Any exception from a probe becomes an unreachable observation too.
 *
 * <p>The thread that asks for a round keeps its deadlines: it waits for the whole round at once, waking at the
 * earliest deadline still open, rather than once per node, and no timer task is scheduled per probe (a thousand
 * probes would otherwise put a thousand tasks on a scheduler every cycle). Nor does it need a scheduler thread of
 * its own: the engine's cycles run on its scheduler's one thread, which could not also run a deadline task.
 *
 * <p>Thread-safe; the executor is owned by the engine.
 */
public final class ProbeRunner {

    private static final Logger LOG = LoggerFactory.getLogger(ProbeRunner.class);

    private final NodeProbe probe;
    private final ProcessSupervisor supervisor;
    private final Clock clock;
    private final Executor executor;
    private final Duration deadline;
    private final long deadlineNanos;

    /**
     * @param probe      asks a node for its status
     * @param supervisor tells whether a node's process is alive; null when no supervisor is configured
     * @param clock      stamps observations
     * @param executor   runs blocking probes (see {@link NodeProbe#probeAsync})
     * @param deadline   the deadline of one probe
     */
    public ProbeRunner(NodeProbe probe, ProcessSupervisor supervisor, Clock clock, Executor executor,
                       Duration deadline) {
        this.probe = Objects.requireNonNull(probe, "probe");
        this.supervisor = supervisor;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.deadline = Objects.requireNonNull(deadline, "deadline");
        this.deadlineNanos = deadline.toNanos();
    }

    /** Probes every node; one observation per node, in the nodes' order. Never throws for a node's failure. */
    public Map<NodeId, NodeObservation> probeAll(List<NodeSpec> nodes) {
        Round round = new Round(nodes.size());
        for (int i = 0; i < nodes.size(); i++) {
            round.start(i, nodes.get(i));
        }
        round.await();
        Map<NodeId, NodeObservation> observations = new LinkedHashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            NodeSpec node = nodes.get(i);
            observations.put(node.id(), observe(node, round.probes[i]));
        }
        return observations;
    }

    /** Probes one node. Never throws for the node's failure. */
    public NodeObservation probe(NodeSpec node) {
        return probeAll(List.of(node)).get(node.id());
    }

    /**
     * How one probe ended. Written once, by whichever comes first: the probe's stage, the deadline, or the
     * failure to start it; {@link Round#left} counts the probes not yet ended.
     */
    private sealed interface Outcome {
        record Answered(NodeStatus status, long nanos) implements Outcome {
        }

        record Failed(Throwable failure) implements Outcome {
        }

        record Late() implements Outcome {
        }
    }

    private static final Outcome LATE = new Outcome.Late();

    /** One node's probe in flight. Its outcome is set once (compare-and-set), and read after the round ended. */
    private static final class Probe {
        final long startNanos;
        final AtomicReference<Outcome> outcome = new AtomicReference<>();
        volatile CompletionStage<NodeStatus> stage;

        Probe(long startNanos) {
            this.startNanos = startNanos;
        }
    }

    /** One round of probes: started together, and awaited together by a thread that also keeps their deadlines. */
    private final class Round {
        final Probe[] probes;
        final AtomicInteger left;
        final CompletableFuture<Void> ended = new CompletableFuture<>();

        Round(int size) {
            this.probes = new Probe[size];
            this.left = new AtomicInteger(size);
            if (size == 0) {
                ended.complete(null);
            }
        }

        void start(int i, NodeSpec node) {
            Probe p = new Probe(System.nanoTime());
            probes[i] = p;
            CompletionStage<NodeStatus> stage;
            try {
                stage = Objects.requireNonNull(probe.probeAsync(node, deadline, executor),
                        "probeAsync returned no stage");
            } catch (RuntimeException | Error e) {
                end(p, new Outcome.Failed(e));
                return;
            }
            p.stage = stage;
            stage.whenComplete((status, failure) -> {
                long nanos = System.nanoTime() - p.startNanos;
                if (nanos > deadlineNanos) {
                    end(p, LATE); // an answer after the deadline is none, however soon it was noticed
                } else if (failure != null) {
                    end(p, new Outcome.Failed(unwrap(failure)));
                } else if (status == null) {
                    end(p, new Outcome.Failed(new IllegalStateException("probe returned no status")));
                } else {
                    end(p, new Outcome.Answered(status, nanos));
                }
            });
        }

        private void end(Probe p, Outcome outcome) {
            if (p.outcome.compareAndSet(null, outcome) && left.decrementAndGet() == 0) {
                ended.complete(null);
            }
        }

        /**
         * Waits until every probe has ended, ending those whose deadline passes first, or until the calling thread
         * is interrupted. The caller's thread is the round's timer: it wakes at the earliest deadline still open.
         */
        void await() {
            while (!ended.isDone()) {
                long next = expireOverdue();
                if (next == Long.MAX_VALUE) {
                    return;
                }
                try {
                    ended.get(next, TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    // the earliest deadline has come: the next turn ends that probe
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (ExecutionException e) {
                    throw new IllegalStateException("a round of probes never fails", e);
                }
            }
        }

        /** Ends the probes whose deadline has passed; nanoseconds until the next deadline, or MAX_VALUE if none. */
        private long expireOverdue() {
            long now = System.nanoTime();
            long next = Long.MAX_VALUE;
            for (Probe p : probes) {
                if (p.outcome.get() == null) {
                    long remaining = p.startNanos + deadlineNanos - now;
                    if (remaining <= 0) {
                        expire(p);
                    } else {
                        next = Math.min(next, remaining);
                    }
                }
            }
            return next;
        }

        private void expire(Probe p) {
            end(p, LATE);
            CompletionStage<NodeStatus> stage = p.stage;
            if (stage != null && p.outcome.get() == LATE) {
                try {
                    stage.toCompletableFuture().cancel(true);
                } catch (UnsupportedOperationException e) {
                    LOG.debug("a probe's stage cannot be cancelled: {}", e.toString());
                }
            }
        }
    }

    private NodeObservation observe(NodeSpec node, Probe p) {
        Outcome outcome = p.outcome.get();
        ProcessStatus process = processStatus(node);
        if (outcome instanceof Outcome.Answered answered) {
            LOG.debug("probed '{}' in {} us: {} term {}", node.id(), answered.nanos() / 1000,
                    answered.status().role(), answered.status().term());
            return new NodeObservation.Reachable(node.id(), clock.instant(), Duration.ofNanos(answered.nanos()),
                    answered.status(), process);
        }
        String reason;
        if (outcome instanceof Outcome.Failed failed) {
            reason = describe(failed.failure());
        } else if (outcome instanceof Outcome.Late) {
            reason = "no answer within " + deadline.toMillis() + " ms";
        } else {
            reason = "probe interrupted"; // only an interrupt of the cycle thread ends the wait before every probe
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

    /**
     * The failure a stage completed with, without the {@link CompletionException} or {@link ExecutionException} a
     * dependent stage or a {@code get()} wraps it in.
     */
    public static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
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
