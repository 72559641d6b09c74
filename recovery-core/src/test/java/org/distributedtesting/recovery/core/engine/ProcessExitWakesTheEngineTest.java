package org.distributedtesting.recovery.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.RecoveryEvent;
import org.junit.jupiter.api.Test;

/**
 * A running engine told by its supervisor that a node's process ended looks at once, instead of at its next cycle
 * an interval later; and, the evidence being certain, restarts the node in that cycle.
 */
class ProcessExitWakesTheEngineTest {

    @Test
    void aProcessThatEndsBringsTheNextCycleForwardAndIsRestartedInIt() {
        try (EngineHarness h = new EngineHarness(3, EngineHarness.FAST,
                TestStrategy.of(FailureType.PROCESS_CRASH, "restart", EngineHarness::restartFirst))) {
            // given an engine running a cycle an hour, which has run its first
            AtomicInteger cycles = new AtomicInteger();
            h.engine.addListener(e -> {
                if (e instanceof RecoveryEvent.CycleCompleted) {
                    cycles.incrementAndGet();
                }
            });
            h.engine.start(Duration.ofHours(1));
            await("the first cycle").atMost(Duration.ofSeconds(10)).until(() -> cycles.get() >= 1);

            // when node-2's process ends and its supervisor says so
            h.cluster.crashAndTell(2);

            // then the engine runs a cycle now, not in an hour, and restarts node-2 in it
            await("node-2 restarted").atMost(Duration.ofSeconds(10))
                    .until(() -> h.cluster.actions().contains(new Action.Start(FakeCluster.id(2))));
            assertThat(cycles.get()).isEqualTo(2);
        }
    }

    @Test
    void aProcessThatEndsAfterTheEngineClosedIsIgnored() {
        EngineHarness h = new EngineHarness(3, EngineHarness.FAST,
                TestStrategy.of(FailureType.PROCESS_CRASH, "restart", EngineHarness::restartFirst));
        h.engine.start(Duration.ofHours(1));
        h.close();

        h.cluster.crashAndTell(2);

        assertThat(h.cluster.actions()).isEmpty();
    }
}
