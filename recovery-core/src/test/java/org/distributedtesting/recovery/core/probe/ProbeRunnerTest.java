package org.distributedtesting.recovery.core.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeObservation;
import org.distributedtesting.recovery.NodeProbe;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.Role;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The probe stage over asynchronous probes. Deadlines are real time by nature: the tests that wait for one use a
 * short deadline and bound the wait.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ProbeRunnerTest {

    private static final Duration DEADLINE = Duration.ofMillis(200);
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-08T00:00:00Z"), ZoneOffset.UTC);
    private static final NodeStatus FOLLOWER = NodeStatus.builder().role(Role.FOLLOWER).term(2).build();
    /** For asynchronous probes, which must not need the probe executor. */
    private static final Executor NO_THREADS = task -> {
        throw new AssertionError("an asynchronous probe ran a task on the probe executor");
    };

    private final ScheduledThreadPoolExecutor network = new ScheduledThreadPoolExecutor(1);
    private final CountDownLatch never = new CountDownLatch(1);

    @AfterEach
    void stop() {
        never.countDown();
        network.shutdownNow();
    }

    private static List<NodeSpec> nodes(int count) {
        List<NodeSpec> nodes = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            nodes.add(NodeSpec.of("node-" + i, "127.0.0.1", 9000 + i, Path.of("/srv/node-" + i)));
        }
        return nodes;
    }

    private ProbeRunner runner(NodeProbe probe, Executor executor) {
        return new ProbeRunner(probe, null, CLOCK, executor, DEADLINE);
    }

    /** A probe whose answers arrive from the network thread, the later the earlier the node is in the list. */
    private NodeProbe answeringInReverse(int count) {
        return new NodeProbe() {
            @Override
            public NodeStatus probe(NodeSpec node, Duration deadline) {
                throw new AssertionError("the blocking form is never called when probeAsync is overridden");
            }

            @Override
            public CompletionStage<NodeStatus> probeAsync(NodeSpec node, Duration deadline, Executor executor) {
                int index = Integer.parseInt(node.id().value().substring("node-".length()));
                CompletableFuture<NodeStatus> answer = new CompletableFuture<>();
                network.schedule(() -> answer.complete(FOLLOWER), (count - index) * 100L, TimeUnit.MICROSECONDS);
                return answer;
            }
        };
    }

    @Test
    void collectsAsynchronousAnswersInTheNodesOrderWithoutTheProbeExecutor() {
        // Given 50 nodes whose answers arrive from another thread, the last node's first
        List<NodeSpec> nodes = nodes(50);

        // When they are probed
        Map<NodeId, NodeObservation> observed = runner(answeringInReverse(50), NO_THREADS).probeAll(nodes);

        // Then every node is reachable, listed in the nodes' order
        assertThat(observed.keySet()).containsExactlyElementsOf(nodes.stream().map(NodeSpec::id).toList());
        assertThat(observed.values()).allSatisfy(o -> assertThat(o).isInstanceOfSatisfying(
                NodeObservation.Reachable.class, r -> assertThat(r.status()).isEqualTo(FOLLOWER)));
    }

    @Test
    void anAsynchronousProbeThatNeverCompletesIsUnreachableAtTheDeadlineAndCancelled() {
        // Given node-2's stage never completes
        List<CompletableFuture<NodeStatus>> stages = new ArrayList<>();
        NodeProbe probe = new NodeProbe() {
            @Override
            public NodeStatus probe(NodeSpec node, Duration deadline) {
                throw new AssertionError("not called");
            }

            @Override
            public CompletionStage<NodeStatus> probeAsync(NodeSpec node, Duration deadline, Executor executor) {
                CompletableFuture<NodeStatus> stage = node.id().value().equals("node-2") ? new CompletableFuture<>()
                        : CompletableFuture.completedFuture(FOLLOWER);
                stages.add(stage);
                return stage;
            }
        };

        // When the nodes are probed
        long start = System.nanoTime();
        Map<NodeId, NodeObservation> observed = runner(probe, NO_THREADS).probeAll(nodes(3));
        Duration wall = Duration.ofNanos(System.nanoTime() - start);

        // Then node-2 is unreachable at the deadline, the others reachable, and node-2's stage was cancelled
        assertThat(observed.get(NodeId.of("node-2"))).isInstanceOfSatisfying(NodeObservation.Unreachable.class,
                u -> assertThat(u.reason()).isEqualTo("no answer within 200 ms"));
        assertThat(observed.get(NodeId.of("node-1"))).isInstanceOf(NodeObservation.Reachable.class);
        assertThat(observed.get(NodeId.of("node-3"))).isInstanceOf(NodeObservation.Reachable.class);
        assertThat(stages.get(1)).isCancelled();
        assertThat(wall).isGreaterThanOrEqualTo(DEADLINE).isLessThan(DEADLINE.plusMillis(700));
    }

    @Test
    void aBlockingProbeStillHasItsThreadInterruptedAtTheDeadline() throws Exception {
        // Given a blocking probe of a node that never answers
        CompletableFuture<Boolean> interrupted = new CompletableFuture<>();
        NodeProbe probe = (node, deadline) -> {
            try {
                never.await();
                interrupted.complete(false);
            } catch (InterruptedException e) {
                interrupted.complete(true);
                throw e;
            }
            return FOLLOWER;
        };
        ExecutorService executor = Executors.newCachedThreadPool();
        try {
            // When it is probed through the default asynchronous form
            NodeObservation observed = runner(probe, executor).probe(nodes(1).get(0));

            // Then the node is unreachable at the deadline and the probe's thread was interrupted
            assertThat(observed).isInstanceOfSatisfying(NodeObservation.Unreachable.class,
                    u -> assertThat(u.reason()).isEqualTo("no answer within 200 ms"));
            assertThat(interrupted.get(5, TimeUnit.SECONDS)).isTrue();
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void aFailedStageIsUnreachableWithItsOwnMessageNotItsWrapper() {
        // Given a stage that fails in a dependent step, which wraps the failure in a CompletionException
        NodeProbe probe = new NodeProbe() {
            @Override
            public NodeStatus probe(NodeSpec node, Duration deadline) {
                throw new AssertionError("not called");
            }

            @Override
            public CompletionStage<NodeStatus> probeAsync(NodeSpec node, Duration deadline, Executor executor) {
                return CompletableFuture.completedFuture("refused").thenApply(word -> {
                    throw new IllegalStateException("connection " + word);
                });
            }
        };

        // When it is probed, Then the reason is the probe's message
        NodeObservation observed = runner(probe, NO_THREADS).probe(nodes(1).get(0));
        assertThat(observed).isInstanceOfSatisfying(NodeObservation.Unreachable.class,
                u -> assertThat(u.reason()).isEqualTo("connection refused"));
    }

    @Test
    void aProbeAsyncThatThrowsOrReturnsNothingIsUnreachable() {
        // Given a probe that throws when started for node-1 and returns no stage for node-2
        NodeProbe probe = new NodeProbe() {
            @Override
            public NodeStatus probe(NodeSpec node, Duration deadline) {
                throw new AssertionError("not called");
            }

            @Override
            public CompletionStage<NodeStatus> probeAsync(NodeSpec node, Duration deadline, Executor executor) {
                if (node.id().value().equals("node-1")) {
                    throw new IllegalStateException("client closed");
                }
                return null;
            }
        };

        // When they are probed, Then both are unreachable, saying why
        Map<NodeId, NodeObservation> observed = runner(probe, NO_THREADS).probeAll(nodes(2));
        assertThat(observed.get(NodeId.of("node-1"))).isInstanceOfSatisfying(NodeObservation.Unreachable.class,
                u -> assertThat(u.reason()).isEqualTo("client closed"));
        assertThat(observed.get(NodeId.of("node-2"))).isInstanceOfSatisfying(NodeObservation.Unreachable.class,
                u -> assertThat(u.reason()).isEqualTo("probeAsync returned no stage"));
    }

    @Test
    void aStageCompletedWithNoStatusIsUnreachable() {
        // Given a probe whose stage completes with null
        NodeProbe probe = new NodeProbe() {
            @Override
            public NodeStatus probe(NodeSpec node, Duration deadline) {
                throw new AssertionError("not called");
            }

            @Override
            public CompletionStage<NodeStatus> probeAsync(NodeSpec node, Duration deadline, Executor executor) {
                return CompletableFuture.completedFuture(null);
            }
        };

        // When it is probed, Then it is unreachable
        assertThat(runner(probe, NO_THREADS).probe(nodes(1).get(0))).isInstanceOfSatisfying(
                NodeObservation.Unreachable.class, u -> assertThat(u.reason()).isEqualTo("probe returned no status"));
    }
}
