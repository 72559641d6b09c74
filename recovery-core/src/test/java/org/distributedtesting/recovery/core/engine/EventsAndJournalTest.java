package org.distributedtesting.recovery.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.JournalRecord;
import org.distributedtesting.recovery.RecoveryEvent;
import org.distributedtesting.recovery.RungResult;
import org.distributedtesting.recovery.core.journal.JournalRecords;
import org.junit.jupiter.api.Test;

/** Every decision is an event, and the journal holds exactly the records of the events a listener receives. */
class EventsAndJournalTest {

    private static TestStrategy failingLadder() {
        return new TestStrategy("deadlock", FailureType.DEADLOCK, false, List.of(
                Map.entry("rung0", (f, c) -> {
                    c.perform(new Action.Custom(f.nodes().get(0), "poke", Action.Impact.NONE, Map.of()), "test");
                    return RungResult.failed("could not");
                })));
    }

    private static List<JournalRecord> recordsOf(List<RecoveryEvent> events) {
        return events.stream().map(JournalRecords::of).flatMap(Optional::stream).toList();
    }

    @Test
    void aListenerSeesExactlyWhatTheJournalRecordsThroughEscalationHalfOpenAndRelease() {
        try (EngineHarness h = new EngineHarness(3, EngineHarness.FAST.toBuilder().maxRestartAttempts(2)
                .backoffInitial(Duration.ZERO).backoffMax(Duration.ZERO)
                .quarantineRetryAfter(Duration.ofSeconds(100)).build(), failingLadder())) {
            // given a node whose every recovery fails, until it is quarantined, half-open, and quarantined again
            h.cluster.crash(2);
            h.cycles(130);
            // when an operator releases it
            h.engine.release(FakeCluster.id(2));
            h.cycles(1);

            // then every record came from an event, in the same order
            assertThat(recordsOf(h.events)).containsExactlyElementsOf(h.journal.records());
            assertThat(h.events).extracting(RecoveryEvent::kind).contains(RecoveryEvent.Kind.ESCALATED,
                    RecoveryEvent.Kind.NODE_QUARANTINED, RecoveryEvent.Kind.NODE_HALF_OPEN,
                    RecoveryEvent.Kind.NODE_RELEASED);
            assertThat(h.events(RecoveryEvent.NodeReleased.class)).last()
                    .satisfies(e -> assertThat(e.reason()).isEqualTo("released by the operator"));
        }
    }

    @Test
    void theSpentActionBudgetIsAnEventOfItsOwnAndNoEscalation() {
        try (EngineHarness h = new EngineHarness(3, EngineHarness.FAST.toBuilder().maxRestartAttempts(10)
                .backoffInitial(Duration.ZERO).backoffMax(Duration.ZERO).actionBudget(2).build(), failingLadder())) {
            h.cluster.crash(2);
            h.cycles(20);

            assertThat(h.events(RecoveryEvent.ActionBudgetExhausted.class)).singleElement()
                    .satisfies(e -> assertThat(e.reason()).contains("budget of 2 actions"));
            assertThat(h.events(RecoveryEvent.Escalated.class)).isEmpty();
            assertThat(h.records("action_budget_exhausted")).hasSize(1);
            assertThat(recordsOf(h.events)).containsExactlyElementsOf(h.journal.records());
        }
    }

    @Test
    void aCycleIsAnEventWithoutARecord() {
        try (EngineHarness h = new EngineHarness(3, EngineHarness.FAST, failingLadder())) {
            h.cycles(3);

            assertThat(h.events).hasSize(3).allMatch(e -> e.kind() == RecoveryEvent.Kind.CYCLE_COMPLETED);
            assertThat(h.journal.records()).isEmpty();
        }
    }

    @Test
    void eventsComeInTheOrderOfTheirTimesWhenRungsTakeTimeAndFail() {
        try (EngineHarness h = new EngineHarness(5, EngineHarness.FAST, failingLadder())) {
            // given two nodes down at once, and a rung whose action takes a second and fails
            h.cluster.onAction(action -> {
                h.clock.advance(Duration.ofSeconds(1));
                return new ActionResult.Failed("the node did not take it");
            });
            h.cluster.crash(2);
            h.cluster.crash(3);

            // when the engine confirms both in one cycle and runs their rungs
            h.cycles(4);

            // then every event is stamped no earlier than the one before it: no line of the timeline goes back
            List<RecoveryEvent> events = h.events.stream()
                    .filter(e -> !(e instanceof RecoveryEvent.CycleCompleted)).toList();
            assertThat(events).extracting(RecoveryEvent::kind).containsSubsequence(
                    RecoveryEvent.Kind.FAILURE_CONFIRMED, RecoveryEvent.Kind.FAILURE_CONFIRMED,
                    RecoveryEvent.Kind.ACTION_TAKEN, RecoveryEvent.Kind.RUNG_ATTEMPTED, RecoveryEvent.Kind.RUNG_FAILED,
                    RecoveryEvent.Kind.ACTION_TAKEN, RecoveryEvent.Kind.RUNG_ATTEMPTED,
                    RecoveryEvent.Kind.RUNG_FAILED);
            for (int i = 1; i < events.size(); i++) {
                assertThat(events.get(i).at()).as("%s after %s", events.get(i).kind(), events.get(i - 1).kind())
                        .isAfterOrEqualTo(events.get(i - 1).at());
            }
        }
    }
}
