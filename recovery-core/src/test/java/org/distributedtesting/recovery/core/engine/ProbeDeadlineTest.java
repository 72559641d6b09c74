package org.distributedtesting.recovery.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.NodeObservation;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.RecoveryEvent;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.Role;
import org.distributedtesting.recovery.RungResult;
import org.distributedtesting.recovery.core.CycleReport;
import org.distributedtesting.recovery.core.RecoveryEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Probe deadlines are real time by nature: these tests bound the wall time of a cycle with a hung node. */
class ProbeDeadlineTest {

    private final CountDownLatch never = new CountDownLatch(1);

    @AfterEach
    void releaseHungThreads() {
        never.countDown();
    }

    private RecoveryEngine engine(boolean ignoreInterrupts) {
        List<NodeSpec> nodes = List.of(NodeSpec.of("node-1", "127.0.0.1", 9001, Path.of("/tmp/n1")),
                NodeSpec.of("node-2", "127.0.0.1", 9002, Path.of("/tmp/n2")),
                NodeSpec.of("node-3", "127.0.0.1", 9003, Path.of("/tmp/n3")));
        return RecoveryEngine.builder()
                .nodes(nodes)
                .probe((node, deadline) -> {
                    if (node.id().value().equals("node-2")) {
                        // a hung node: never answers
                        while (true) {
                            try {
                                never.await();
                                throw new IllegalStateException("released");
                            } catch (InterruptedException e) {
                                if (!ignoreInterrupts) {
                                    throw e;
                                }
                            }
                        }
                    }
                    return NodeStatus.builder().role(Role.FOLLOWER).term(1).build();
                })
                .strategy(TestStrategy.of(FailureType.NETWORK_PARTITION, "wait", (f, c) -> RungResult.acted("w")))
                .options(RecoveryOptions.builder().probeTimeout(Duration.ofMillis(300)).build())
                .build();
    }

    @Test
    void aNodeThatNeverAnswersIsObservedUnreachableAtTheDeadline() {
        try (RecoveryEngine engine = engine(false)) {
            long start = System.nanoTime();
            CycleReport report = engine.runCycle();
            Duration wall = Duration.ofNanos(System.nanoTime() - start);

            assertThat(report.snapshot().observation(FakeCluster.id(2)))
                    .isInstanceOfSatisfying(NodeObservation.Unreachable.class,
                            u -> assertThat(u.reason()).isEqualTo("no answer within 300 ms"));
            assertThat(report.snapshot().reachable()).containsExactly(FakeCluster.id(1), FakeCluster.id(3));
            assertThat(wall).isLessThan(Duration.ofMillis(300 + 700));
        }
    }

    @Test
    void aNodeThatNeverAnswersDoesNotHoldCyclesRunningOnTheEnginesOwnScheduler() {
        // Given an engine that runs its cycles on its own one-thread scheduler, over a node that never answers
        List<RecoveryEvent.CycleCompleted> cycles = new CopyOnWriteArrayList<>();
        try (RecoveryEngine engine = engine(false)) {
            engine.addListener(event -> {
                if (event instanceof RecoveryEvent.CycleCompleted completed) {
                    cycles.add(completed);
                }
            });

            // When it runs every 100 ms
            engine.start(Duration.ofMillis(100));

            // Then cycles end, each with the hung node unreachable at its deadline: the scheduler's one thread,
            // busy with the cycle, is not needed to end the probe
            await().atMost(Duration.ofSeconds(5)).until(() -> cycles.size() >= 2);
            assertThat(cycles.get(0).snapshot().observation(FakeCluster.id(2)))
                    .isInstanceOfSatisfying(NodeObservation.Unreachable.class,
                            u -> assertThat(u.reason()).isEqualTo("no answer within 300 ms"));
            assertThat(cycles.get(0).elapsed()).isLessThan(Duration.ofMillis(300 + 700));
        }
    }

    @Test
    void aProbeThatIgnoresInterruptsStillDoesNotHoldTheCycle() {
        try (RecoveryEngine engine = engine(true)) {
            for (int i = 0; i < 3; i++) {
                long start = System.nanoTime();
                CycleReport report = engine.runCycle();
                Duration wall = Duration.ofNanos(System.nanoTime() - start);
                assertThat(report.snapshot().unreachable()).containsExactly(FakeCluster.id(2));
                assertThat(wall).isLessThan(Duration.ofMillis(300 + 700));
            }
        }
    }
}
