package org.distributedtesting.recovery.core.regression;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeProbe;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.Role;
import org.distributedtesting.recovery.RungResult;
import org.distributedtesting.recovery.core.RecoveryEngine;
import org.distributedtesting.recovery.core.engine.FakeCluster;
import org.distributedtesting.recovery.core.engine.MutableClock;
import org.distributedtesting.recovery.core.engine.TestStrategy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The interval counted from the end of a cycle, so a node that never answered added its probe deadline to every
 * cycle: a 1 s interval became 3 s. Cycles run at a fixed rate, each one period after the previous one started.
 */
class HungNodeStretchedEveryCycleTest {

    /** Records what the engine schedules instead of running it; the test runs the engine's ticks itself. */
    private static final class RecordingScheduler extends ScheduledThreadPoolExecutor {
        final List<Runnable> tasks = new ArrayList<>();
        final List<Long> delaysMillis = new ArrayList<>();

        RecordingScheduler() {
            super(1);
        }

        @Override
        public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
            tasks.add(command);
            delaysMillis.add(unit.toMillis(delay));
            return super.schedule(() -> { }, 1, TimeUnit.DAYS);
        }
    }

    private final RecordingScheduler scheduler = new RecordingScheduler();

    @AfterEach
    void stopScheduler() {
        scheduler.shutdownNow();
    }

    @Test
    void theNextCycleStartsOnePeriodAfterTheLastOneStartedWhateverItsProbesTook() {
        // Given a node that answers nothing and holds its probe for 700 ms of the engine's clock
        FakeCluster cluster = new FakeCluster(3);
        MutableClock clock = MutableClock.atEpoch();
        NodeId hung = FakeCluster.id(2);
        NodeProbe probe = (node, deadline) -> {
            if (node.id().equals(hung)) {
                clock.advance(Duration.ofMillis(700));
                throw new SocketTimeoutException("no answer within 700 ms");
            }
            return NodeStatus.builder().role(Role.FOLLOWER).term(1).commitIndex(1).appliedIndex(1).build();
        };
        RecoveryOptions options = RecoveryOptions.defaults().toBuilder().verifyInterval(Duration.ofSeconds(1)).build();
        try (RecoveryEngine engine = RecoveryEngine.builder().nodes(cluster.specs).probe(probe).supervisor(cluster)
                .strategy(TestStrategy.of(FailureType.DEADLOCK, "wait", (f, c) -> RungResult.acted("waiting")))
                .options(options).clock(clock).scheduler(scheduler).probeExecutor(Runnable::run).build()) {
            // When the engine runs every second
            engine.start(Duration.ofSeconds(1));
            Runnable tick = scheduler.tasks.get(scheduler.tasks.size() - 1);
            tick.run();

            // Then the next cycle is due 300 ms after the first one ended: one second after it started
            assertThat(scheduler.delaysMillis.get(scheduler.delaysMillis.size() - 1)).isEqualTo(300L);
        }
    }
}
