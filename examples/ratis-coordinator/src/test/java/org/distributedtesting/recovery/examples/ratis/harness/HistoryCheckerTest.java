package org.distributedtesting.recovery.examples.ratis.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.distributedtesting.recovery.examples.ratis.harness.HistoryCheck.Kind;
import org.distributedtesting.recovery.examples.ratis.harness.HistoryCheck.Violation;
import org.junit.jupiter.api.Test;

class HistoryCheckerTest {

    private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");

    /** t-1 and t-2 acknowledged, t-3 refused, t-4 unknown. */
    private static final History HISTORY = new History(Map.of("t", List.of(
            write("t-1", History.Outcome.ACKNOWLEDGED), write("t-2", History.Outcome.ACKNOWLEDGED),
            write("t-3", History.Outcome.REFUSED), write("t-4", History.Outcome.UNKNOWN))));

    @Test
    void aCleanHistoryPassesAndCountsEachOutcome() {
        // Given every node with both acknowledged tasks, and the unknown one on all of them
        List<NodeTasks> nodes = List.of(node("a", 9, "t-1", "t-2", "t-4"), node("b", 9, "t-4", "t-2", "t-1"),
                node("c", 9, "t-1", "t-2", "t-4"));

        // When checked
        HistoryCheck check = HistoryChecker.check(HISTORY, nodes);

        // Then it passes and says what it counted
        assertThat(check.passed()).isTrue();
        assertThat(check.violations()).isEmpty();
        assertThat(check.summary()).isEqualTo("history: 4 submitted, 2 acknowledged, 1 refused, 1 unknown;"
                + " present per node {a=3, b=3, c=3}; no violations");
    }

    @Test
    void anUnknownWriteOnNoNodeIsFineToo() {
        HistoryCheck check = HistoryChecker.check(HISTORY, List.of(node("a", 9, "t-1", "t-2"),
                node("b", 9, "t-1", "t-2")));

        assertThat(check.passed()).isTrue();
    }

    @Test
    void detectsAnAcknowledgedWriteMissingOnANode() {
        HistoryCheck check = HistoryChecker.check(HISTORY, List.of(node("a", 9, "t-1", "t-2"),
                node("b", 9, "t-1")));

        assertThat(check.passed()).isFalse();
        assertThat(check.violations()).containsExactly(new Violation(Kind.ACKNOWLEDGED_MISSING, "b", "t-2",
                "acknowledged to the client, absent at applied index 9"));
        assertThat(check.toString()).contains("1 violations {ACKNOWLEDGED_MISSING=1}")
                .contains("ACKNOWLEDGED_MISSING on 'b': t-2");
    }

    @Test
    void detectsASecondRowOfOneSubmissionUnderAnotherId() {
        // Given a node holding t-1 and a copy of its payload under another id (the id is the primary key)
        NodeTasks copied = new NodeTasks("a", 9, List.of(row("t-1"), row("t-2"),
                new NodeTasks.Row("retry-7", "run suite t-1")));

        HistoryCheck check = HistoryChecker.check(HISTORY, List.of(copied));

        assertThat(check.violations()).containsExactly(new Violation(Kind.DUPLICATED, "a", "t-1",
                "2 rows for one submission, under ids [t-1, retry-7]"));
    }

    @Test
    void detectsTheSameIdTwiceOnANode() {
        HistoryCheck check = HistoryChecker.check(HISTORY, List.of(node("a", 9, "t-1", "t-2", "t-2")));

        assertThat(check.violations(Kind.DUPLICATED)).singleElement().extracting(Violation::taskId)
                .isEqualTo("t-2");
    }

    @Test
    void detectsTasksNoWriterSubmittedAndSaysWhoseFormTheyHave() {
        HistoryCheck check = HistoryChecker.check(HISTORY, List.of(node("a", 9, "t-1", "t-2", "t-99", "x-1")));

        assertThat(check.violations(Kind.NEVER_SUBMITTED)).extracting(Violation::taskId)
                .containsExactly("t-99", "x-1");
        assertThat(check.violations(Kind.NEVER_SUBMITTED).get(0).detail())
                .isEqualTo("of the form of writer 't', which submitted 4 writes but never this id");
        assertThat(check.violations(Kind.NEVER_SUBMITTED).get(1).detail()).isEqualTo("of no writer's form [t]");
    }

    @Test
    void aRefusedWriteOnANodeIsCountedNotFlagged() {
        // a refused write is counted, not checked: a retry the leader refused may follow an attempt that was applied
        HistoryCheck check = HistoryChecker.check(HISTORY, List.of(node("a", 9, "t-1", "t-2", "t-3")));

        assertThat(check.passed()).isTrue();
    }

    @Test
    void detectsAnUnknownWriteOnSomeNodesOnlyOnceAllAppliedTheSameIndex() {
        // Given the unknown t-4 on a but not on b
        List<NodeTasks> settled = List.of(node("a", 9, "t-1", "t-2", "t-4"), node("b", 9, "t-1", "t-2"));
        List<NodeTasks> catchingUp = List.of(node("a", 9, "t-1", "t-2", "t-4"), node("b", 8, "t-1", "t-2"));

        // When checked with both nodes at one index, and with b behind
        HistoryCheck atOneIndex = HistoryChecker.check(HISTORY, settled);
        HistoryCheck behind = HistoryChecker.check(HISTORY, catchingUp);

        // Then only the first is a violation
        assertThat(atOneIndex.violations()).containsExactly(new Violation(Kind.UNKNOWN_PARTIAL, "*", "t-4",
                "an unknown write on [a] but not on [b], all at applied index 9"));
        assertThat(behind.passed()).isTrue();
    }

    @Test
    void aRetriedIdCountsAsOneSubmissionAcknowledgedWhenAnyAttemptWas() {
        History retried = new History(Map.of("t", List.of(write("t-1", History.Outcome.UNKNOWN),
                write("t-1", History.Outcome.ACKNOWLEDGED))));

        HistoryCheck check = HistoryChecker.check(retried, List.of(node("a", 3)));

        assertThat(check.submitted()).isEqualTo(1);
        assertThat(check.acknowledged()).isEqualTo(1);
        assertThat(check.violations(Kind.ACKNOWLEDGED_MISSING)).hasSize(1);
    }

    @Test
    void refusesOverlappingPrefixesAndANodeGivenTwice() {
        assertThatThrownBy(() -> new History(Map.of("a", List.of(), "a-1", List.of())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("overlap");
        assertThatThrownBy(() -> HistoryChecker.check(HISTORY, List.of(node("a", 1), node("a", 1))))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("node 'a' is given twice");
    }

    @Test
    void aWritesOutcomeFollowsItsAcknowledgementAndReply() {
        assertThat(new TaskWriter.Write("t-1", "p", AT, AT, true, "submitted t-1", 5).outcome())
                .isEqualTo(History.Outcome.ACKNOWLEDGED);
        assertThat(new TaskWriter.Write("t-1", "p", AT, AT, true, "duplicate t-1", 6).outcome())
                .isEqualTo(History.Outcome.ACKNOWLEDGED);
        assertThat(new TaskWriter.Write("t-1", "p", AT, AT, true, "rejected: degraded", 7).outcome())
                .isEqualTo(History.Outcome.REFUSED);
        assertThat(new TaskWriter.Write("t-1", "p", AT, AT, false, "timed out", -1).outcome())
                .isEqualTo(History.Outcome.UNKNOWN);
    }

    private static TaskWriter.Write write(String id, History.Outcome outcome) {
        return switch (outcome) {
            case ACKNOWLEDGED -> new TaskWriter.Write(id, "run suite " + id, AT, AT, true, "submitted " + id, 1);
            case REFUSED -> new TaskWriter.Write(id, "run suite " + id, AT, AT, true, "rejected: degraded", 1);
            case UNKNOWN -> new TaskWriter.Write(id, "run suite " + id, AT, AT, false, "timed out", -1);
        };
    }

    private static NodeTasks node(String node, long index, String... ids) {
        List<NodeTasks.Row> rows = new ArrayList<>();
        for (String id : ids) {
            rows.add(row(id));
        }
        return new NodeTasks(node, index, rows);
    }

    private static NodeTasks.Row row(String id) {
        return new NodeTasks.Row(id, "run suite " + id);
    }
}
