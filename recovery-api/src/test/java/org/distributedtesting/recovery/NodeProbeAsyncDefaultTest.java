package org.distributedtesting.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The default {@link NodeProbe#probeAsync}: a blocking probe run on the given executor. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class NodeProbeAsyncDefaultTest {

    private static final NodeSpec NODE = NodeSpec.of("node-1", "127.0.0.1", 8080, Path.of("/srv/node-1"));
    private static final Duration DEADLINE = Duration.ofSeconds(2);
    private static final NodeStatus FOLLOWER = NodeStatus.builder().role(Role.FOLLOWER).term(3).build();

    private final ExecutorService executor = Executors.newSingleThreadExecutor();

    @AfterEach
    void stopExecutor() {
        executor.shutdownNow();
    }

    @Test
    void runsTheBlockingProbeOnTheExecutorAndCompletesWithItsStatus() throws Exception {
        // Given a blocking probe that notes its thread
        CompletableFuture<Thread> ranOn = new CompletableFuture<>();
        NodeProbe probe = (node, deadline) -> {
            ranOn.complete(Thread.currentThread());
            return FOLLOWER;
        };

        // When it is started asynchronously
        CompletableFuture<NodeStatus> answer = probe.probeAsync(NODE, DEADLINE, executor).toCompletableFuture();

        // Then it answers what the blocking probe returned, from the executor's thread
        assertThat(answer.get(5, TimeUnit.SECONDS)).isEqualTo(FOLLOWER);
        assertThat(ranOn.get()).isNotSameAs(Thread.currentThread());
    }

    @Test
    void failsWithTheExceptionTheBlockingProbeThrew() {
        // Given a probe of a node that refuses
        IOException refused = new IOException("connection refused");
        NodeProbe probe = (node, deadline) -> {
            throw refused;
        };

        // When it is started, Then its stage fails with that very exception
        CompletableFuture<NodeStatus> answer = probe.probeAsync(NODE, DEADLINE, executor).toCompletableFuture();
        assertThatThrownBy(() -> answer.get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isSameAs(refused);
    }

    @Test
    void cancellingInterruptsTheThreadRunningTheProbe() throws Exception {
        // Given a probe blocked on a node that never answers
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        CompletableFuture<Boolean> interrupted = new CompletableFuture<>();
        NodeProbe probe = (node, deadline) -> {
            started.countDown();
            try {
                never.await();
                interrupted.complete(false);
            } catch (InterruptedException e) {
                interrupted.complete(true);
                throw e;
            }
            return FOLLOWER;
        };
        CompletableFuture<NodeStatus> answer = probe.probeAsync(NODE, DEADLINE, executor).toCompletableFuture();
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();

        // When the caller gives up on it
        answer.cancel(true);

        // Then the probe's thread is interrupted, and the stage is cancelled
        assertThat(interrupted.get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(answer).isCancelled();
    }

    @Test
    void aRejectedSubmissionFailsTheStageInsteadOfThrowing() {
        // Given an executor that takes no more work
        executor.shutdown();
        NodeProbe probe = (node, deadline) -> FOLLOWER;

        // When a probe is started on it, Then the stage fails with the rejection
        CompletableFuture<NodeStatus> answer = probe.probeAsync(NODE, DEADLINE, executor).toCompletableFuture();
        assertThat(answer).isCompletedExceptionally();
        assertThatThrownBy(answer::join).hasCauseInstanceOf(RejectedExecutionException.class);
    }

    @Test
    void runsOnTheCallingThreadWithACallerRunsExecutor() throws Exception {
        // Given a probe and an executor that runs tasks where they are submitted
        NodeProbe probe = (node, deadline) -> FOLLOWER;

        // When it is started, Then it has answered by the time the call returns
        CompletableFuture<NodeStatus> answer = probe.probeAsync(NODE, DEADLINE, Runnable::run).toCompletableFuture();
        assertThat(answer).isCompletedWithValue(FOLLOWER);
    }
}
