package org.distributedtesting.recovery.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.RecoveryContext;
import org.distributedtesting.recovery.RecoveryEvent;
import org.distributedtesting.recovery.RungResult;
import org.junit.jupiter.api.Test;

class DampingAndPrecedenceTest {

    @Test
    void actsOnlyAfterTheFailureIsSeenInTheConfiguredNumberOfConsecutiveCycles() {
        try (EngineHarness h = new EngineHarness(3, EngineHarness.FAST,
                TestStrategy.of(FailureType.PROCESS_CRASH, "restart", EngineHarness::restartFirst))) {
            // given a node that stops answering while its process runs (cut off, or hung): uncertain
            h.cluster.cutOff(2);
            // when two cycles pass
            h.cycles(2);
            // then nothing is done yet
            assertThat(h.cluster.actions()).isEmpty();
            assertThat(h.records("failure_detected")).isEmpty();
            // when the third cycle sees it too
            h.cycles(1);
            // then it is confirmed and acted on
            assertThat(h.records("failure_detected")).hasSize(1);
            assertThat(h.cluster.actions()).contains(new Action.Start(FakeCluster.id(2)));
        }
    }

    @Test
    void aNodeWhoseProcessItsSupervisorSawEndIsActedOnInTheFirstCycle() {
        try (EngineHarness h = new EngineHarness(3, EngineHarness.FAST,
                TestStrategy.of(FailureType.PROCESS_CRASH, "restart", EngineHarness::restartFirst))) {
            // given a node that does not answer and whose process ended (killed: exit code 137)
            h.cluster.crash(2);
            // when one cycle sees it
            h.cycles(1);
            // then it is confirmed at once, a certain fact needing no second look, and restarted
            assertThat(h.records("failure_detected")).singleElement()
                    .satisfies(r -> assertThat(r.details()).containsEntry("confirmations", 1));
            assertThat(h.cluster.actions()).containsExactly(new Action.Start(FakeCluster.id(2)));
        }
    }

    @Test
    void aFailureMissingFromOneCycleStartsItsCountOver() {
        try (EngineHarness h = new EngineHarness(3, EngineHarness.FAST,
                TestStrategy.of(FailureType.PROCESS_CRASH, "restart", EngineHarness::restartFirst))) {
            h.cluster.cutOff(2);
            h.cycles(2);
            h.cluster.heal(2);
            h.cycles(1);
            h.cluster.cutOff(2);
            h.cycles(2);
            assertThat(h.cluster.actions()).isEmpty();
            h.cycles(1);
            assertThat(h.cluster.actions()).containsExactly(new Action.Stop(FakeCluster.id(2)),
                    new Action.Start(FakeCluster.id(2))); // a restart of a process that runs
        }
    }

    @Test
    void anImmediateFailureIsActedOnInTheFirstCycle() {
        BiFunction<Failure, RecoveryContext, RungResult> stepDown = (f, c) -> {
            c.perform(new Action.StepDown(f.nodes().get(0), java.util.Optional.empty()), "two leaders");
            return RungResult.acted("stepped down");
        };
        TestStrategy urgent = new TestStrategy("split_brain", FailureType.SPLIT_BRAIN, true,
                List.of(Map.entry("fence", stepDown)));
        try (EngineHarness h = new EngineHarness(3, EngineHarness.FAST, urgent)) {
            h.cluster.cutOff(3); // uncertain: only the failure's own urgency makes it act at once
            h.cycles(1);
            assertThat(h.cluster.actions()).hasSize(1);
        }
    }

    @Test
    void coexistingFailuresAreHandledInPrecedenceOrder() {
        // given two strategies of different precedence that both see the two down nodes
        BiFunction<Failure, RecoveryContext, RungResult> note = (f, c) -> {
            c.perform(new Action.Custom(f.nodes().get(0), "probe_" + f.type().name(), Action.Impact.NONE, Map.of()),
                    "test");
            return RungResult.acted("noted");
        };
        try (EngineHarness h = new EngineHarness(5, EngineHarness.FAST,
                TestStrategy.of(FailureType.SLOW_FOLLOWER, "note", note),
                TestStrategy.of(FailureType.SPLIT_BRAIN, "note", note))) {
            h.cluster.crash(4);
            h.cluster.crash(5);
            // when they are confirmed in the same cycle
            h.cycles(3);
            // then split brain (precedence 10) acts before slow follower (100), and one recovery per node means
            // the slow-follower recovery waits for the nodes to be free
            assertThat(h.cluster.actions()).extracting(Action::name)
                    .containsExactly("probe_split_brain", "probe_split_brain");
            assertThat(h.events(RecoveryEvent.FailureConfirmed.class)).extracting(e -> e.failure().type())
                    .containsExactly(FailureType.SPLIT_BRAIN, FailureType.SPLIT_BRAIN,
                            FailureType.SLOW_FOLLOWER, FailureType.SLOW_FOLLOWER);
        }
    }
}
