package org.distributedtesting.recovery.core.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.JournalRecord;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.RecoveryEvent;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.RungResult;
import org.distributedtesting.recovery.Severity;
import org.distributedtesting.recovery.core.engine.MutableClock;
import org.distributedtesting.recovery.core.journal.FileRecoveryJournal;
import org.distributedtesting.recovery.core.journal.JournalRecords;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ledger rebuilt from journal records, as {@link JournalRecords} writes them for the live engine's events, against
 * a fake clock: what carries over a restart, and what has expired by the time of the restart.
 */
class LedgerRebuildTest {

    private static final NodeId NODE_2 = NodeId.of("node-2");
    private static final NodeId NODE_3 = NodeId.of("node-3");
    private static final List<NodeSpec> NODES = List.of(
            NodeSpec.of("node-1", "127.0.0.1", 9001, Path.of("/tmp/node-1")),
            NodeSpec.of("node-2", "127.0.0.1", 9002, Path.of("/tmp/node-2")),
            NodeSpec.of("node-3", "127.0.0.1", 9003, Path.of("/tmp/node-3")));
    private static final RecoveryOptions OPTIONS = RecoveryOptions.builder()
            .maxRestartAttempts(3)
            .restartCooldown(Duration.ofSeconds(60))
            .backoffInitial(Duration.ofSeconds(10))
            .backoffMax(Duration.ofSeconds(80))
            .verifyTimeout(Duration.ofSeconds(5))
            .verifyInterval(Duration.ofSeconds(1))
            .actionBudget(30)
            .actionBudgetWindow(Duration.ofSeconds(600))
            .quarantineRetryAfter(Duration.ofSeconds(600))
            .build();
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final List<JournalRecord> journal = new ArrayList<>();

    @TempDir
    Path dir;

    private static Failure crash(NodeId node) {
        return new Failure(FailureType.PROCESS_CRASH, List.of(node), Severity.MEDIUM, "'" + node + "' crashed",
                Map.of("reachable", false), false);
    }

    private void record(RecoveryEvent event) {
        journal.add(JournalRecords.of(event).orElseThrow());
    }

    private static Instant at(long seconds) {
        return T0.plusSeconds(seconds);
    }

    private void confirmed(Failure failure, Instant at) {
        record(new RecoveryEvent.FailureConfirmed(at, failure, 3, at.minusSeconds(2)));
    }

    /** A restart that was carried out and failed: its action, its rung and the rung's failure, as the engine writes. */
    private void failedRestart(Failure failure, int attempt, Instant at) {
        restartAction(failure, attempt, at, new ActionResult.Failed("exited with code 2"));
        record(new RecoveryEvent.RungAttempted(at, failure, "restart", attempt,
                RungResult.failed("exited with code 2"), "recovery_attempted", false, false));
        record(new RecoveryEvent.RungFailed(at, failure, "restart", "exited with code 2"));
    }

    private void restartAction(Failure failure, int attempt, Instant at, ActionResult result) {
        record(new RecoveryEvent.ActionTaken(at, failure, new Action.Restart(failure.nodes().get(0)), result,
                "crashed", "restart", attempt, Optional.of("voters up 2 of 3"), Optional.empty(), false));
    }

    private void quarantined(Failure failure, Instant at) {
        record(new RecoveryEvent.Escalated(at, failure, failure.nodes(), "max_restart_attempts (3) reached"));
        record(new RecoveryEvent.NodeQuarantined(at, failure.nodes().get(0), failure,
                "max_restart_attempts (3) reached"));
    }

    private RebuiltState rebuildAt(Instant now) {
        EngineState state = new EngineState(NODES, OPTIONS, new MutableClock(now));
        LedgerRebuild.Result result = LedgerRebuild.restore(journal, state, FailureType.standard());
        return new RebuiltState(state, result);
    }

    private record RebuiltState(EngineState state, LedgerRebuild.Result result) {
        NodeLedger ledger(NodeId node) {
            return state.ledger(node);
        }
    }

    @Test
    void attemptsAndTheirBackoffCarryOverARestart() {
        // Given two failed restarts of node-2, 10 s apart
        Failure crash = crash(NODE_2);
        confirmed(crash, at(0));
        failedRestart(crash, 1, at(0));
        failedRestart(crash, 2, at(10));

        // When the ledger is rebuilt 5 s after the second one
        RebuiltState rebuilt = rebuildAt(at(15));

        // Then both attempts count, and the third waits out the backoff after the second (20 s)
        NodeLedger ledger = rebuilt.ledger(NODE_2);
        assertThat(ledger.attempts(FailureType.PROCESS_CRASH)).isEqualTo(2);
        assertThat(ledger.nextAttemptAllowed(FailureType.PROCESS_CRASH, OPTIONS)).isEqualTo(at(30));
        assertThat(ledger.lastFailure(FailureType.PROCESS_CRASH)).isEqualTo("restart: exited with code 2");
        assertThat(rebuilt.ledger(NODE_3).attempts(FailureType.PROCESS_CRASH)).isZero();
    }

    @Test
    void attemptsStartOverOnceTheNodeWasHealthyForAWholeRestartCooldownBeforeTheRestart() {
        // Given a failed restart, then the failure verified recovered at 20 s
        Failure crash = crash(NODE_2);
        confirmed(crash, at(0));
        failedRestart(crash, 1, at(0));
        record(new RecoveryEvent.RecoveryVerified(at(20), crash, "restart", Duration.ofSeconds(22)));

        // When rebuilt 59 s after the verification, and 60 s after it
        // Then the attempt counts until the node has been healthy for restart_cooldown (60 s)
        assertThat(rebuildAt(at(79)).ledger(NODE_2).attempts(FailureType.PROCESS_CRASH)).isEqualTo(1);
        assertThat(rebuildAt(at(80)).ledger(NODE_2).attempts(FailureType.PROCESS_CRASH)).isZero();
    }

    @Test
    void aRestartTwoHoursLaterDoesNotCountAttemptsOfAFailureThatShowedNoSignSince() {
        // Given a failed restart and nothing more in the journal (the engine stopped)
        Failure crash = crash(NODE_2);
        confirmed(crash, at(0));
        failedRestart(crash, 1, at(0));

        // When rebuilt two hours later
        RebuiltState rebuilt = rebuildAt(at(7200));

        // Then the attempt has expired with its window, and the summary says nothing is left
        assertThat(rebuilt.ledger(NODE_2).attempts(FailureType.PROCESS_CRASH)).isZero();
        assertThat(rebuilt.result().summary()).contains("nothing within the ledger's windows");
    }

    @Test
    void aPendingBackoffKeepsTheFailureGoingUntilAWholeWindowAfterItEnds() {
        // Given two failed restarts, the third held back by the backoff after the second (20 s, until 30 s)
        Failure crash = crash(NODE_2);
        confirmed(crash, at(0));
        failedRestart(crash, 1, at(0));
        failedRestart(crash, 2, at(10));
        record(new RecoveryEvent.RecoveryDeferred(at(11), crash, "backoff", "attempt 3 waits out the backoff",
                Optional.of(at(30))));

        // When rebuilt 78 s after the last record (59 s after the backoff ended), and 60 s after the backoff ended
        // Then the attempts count while the failure may have gone on unseen, and expire a whole window after
        assertThat(rebuildAt(at(89)).ledger(NODE_2).attempts(FailureType.PROCESS_CRASH)).isEqualTo(2);
        assertThat(rebuildAt(at(90)).ledger(NODE_2).attempts(FailureType.PROCESS_CRASH)).isZero();
    }

    @Test
    void anOpenQuarantineIsRestoredWithItsOwnTimeWhateverTheGap() {
        // Given node-2 quarantined after three failed restarts
        Failure crash = crash(NODE_2);
        confirmed(crash, at(0));
        failedRestart(crash, 1, at(0));
        failedRestart(crash, 2, at(10));
        failedRestart(crash, 3, at(30));
        quarantined(crash, at(30));

        // When rebuilt 500 s later (before its half-open time) and a day later
        RebuiltState soon = rebuildAt(at(530));
        RebuiltState aDayLater = rebuildAt(at(86_400));

        // Then it is quarantined since its own time, so quarantine_retry_after counts from then, with its attempts
        for (RebuiltState rebuilt : List.of(soon, aDayLater)) {
            assertThat(rebuilt.ledger(NODE_2).quarantined()).isTrue();
            assertThat(rebuilt.ledger(NODE_2).quarantinedAt()).isEqualTo(at(30));
            assertThat(rebuilt.ledger(NODE_2).attempts(FailureType.PROCESS_CRASH)).isEqualTo(3);
            assertThat(rebuilt.ledger(NODE_2).healthyFor(at(86_400))).isZero();
        }
        assertThat(soon.result().summary()).contains("'node-2' quarantined since 2026-01-01T00:00:30Z (half-open at"
                + " 2026-01-01T00:10:30Z)", "3 attempts for process_crash on 'node-2'");
    }

    @Test
    void aHalfOpenAfterTheQuarantineLeavesOneAttempt() {
        Failure crash = crash(NODE_2);
        confirmed(crash, at(0));
        failedRestart(crash, 1, at(0));
        failedRestart(crash, 2, at(10));
        failedRestart(crash, 3, at(30));
        quarantined(crash, at(30));
        record(new RecoveryEvent.NodeHalfOpen(at(630), NODE_2, "quarantined for 600 s"));

        RebuiltState rebuilt = rebuildAt(at(631));

        assertThat(rebuilt.ledger(NODE_2).quarantined()).isFalse();
        assertThat(rebuilt.ledger(NODE_2).attempts(FailureType.PROCESS_CRASH)).isEqualTo(2);
        assertThat(rebuilt.ledger(NODE_2).nextAttemptAllowed(FailureType.PROCESS_CRASH, OPTIONS)).isNull();
    }

    @Test
    void anOperatorReleaseEndsTheQuarantineWithAFreshBudget() {
        Failure crash = crash(NODE_2);
        confirmed(crash, at(0));
        failedRestart(crash, 1, at(0));
        quarantined(crash, at(0));
        record(new RecoveryEvent.NodeReleased(at(40), NODE_2, "released by the operator"));

        RebuiltState rebuilt = rebuildAt(at(41));

        assertThat(rebuilt.ledger(NODE_2).quarantined()).isFalse();
        assertThat(rebuilt.ledger(NODE_2).attempts(FailureType.PROCESS_CRASH)).isZero();
    }

    @Test
    void actionsCarriedOutWithinTheBudgetWindowCountAgainstTheActionBudget() {
        // Given actions done or failed 700 s, 300 s and 10 s before the restart, and one refused by a guard
        Failure crash = crash(NODE_3);
        restartAction(crash, 1, at(0), ActionResult.Done.of("restarted"));
        restartAction(crash, 1, at(400), new ActionResult.Failed("exited with code 2"));
        restartAction(crash, 1, at(690), ActionResult.Done.of("restarted"));
        restartAction(crash, 1, at(695), new ActionResult.Refused("quorum_budget", "would leave 1 of 3"));
        record(new RecoveryEvent.ActionBudgetExhausted(at(695), crash, "the budget is spent"));

        // When rebuilt at 700 s
        RebuiltState rebuilt = rebuildAt(at(700));

        // Then the two carried out within the last 600 s count, and the budget alert is not due again yet
        assertThat(rebuilt.state().actionsInWindow(at(700))).isEqualTo(2);
        assertThat(rebuilt.state().budgetAlertDue(at(700))).isFalse();
        assertThat(rebuilt.result().summary()).contains("2 of 30 actions of the action budget spent in the last 600 s");
    }

    @Test
    void anActionWhoseRungNeverEndedCountsAsAnAttempt() {
        // Given a restart carried out, and the engine killed before its rung's record
        Failure crash = crash(NODE_2);
        confirmed(crash, at(0));
        restartAction(crash, 1, at(1), ActionResult.Done.of("restarted with pid 4318"));

        // When rebuilt
        RebuiltState rebuilt = rebuildAt(at(3));

        // Then the rung that was cut short counts, as the live engine would have counted it
        assertThat(rebuilt.ledger(NODE_2).attempts(FailureType.PROCESS_CRASH)).isEqualTo(1);
        assertThat(rebuilt.ledger(NODE_2).nextAttemptAllowed(FailureType.PROCESS_CRASH, OPTIONS)).isEqualTo(at(11));
    }

    @Test
    void anActionFollowedByItsRungCountsOnce() {
        Failure crash = crash(NODE_2);
        confirmed(crash, at(0));
        failedRestart(crash, 1, at(1));
        confirmed(crash, at(5));

        assertThat(rebuildAt(at(6)).ledger(NODE_2).attempts(FailureType.PROCESS_CRASH)).isEqualTo(1);
    }

    @Test
    void aDeferredOrDryRunRungCountsNoAttempt() {
        Failure crash = crash(NODE_2);
        confirmed(crash, at(0));
        record(new RecoveryEvent.RungAttempted(at(0), crash, "restart", 1, RungResult.failed("quorum_budget"),
                "recovery_attempted", true, false));
        record(new RecoveryEvent.RungAttempted(at(1), crash, "restart", 1, RungResult.acted("would restart"),
                "recovery_attempted", false, true));

        RebuiltState rebuilt = rebuildAt(at(2));

        assertThat(rebuilt.ledger(NODE_2).attempts(FailureType.PROCESS_CRASH)).isZero();
        // the deferred rung's retry time carries over, as the live engine set it (backoff_initial, 10 s)
        assertThat(rebuilt.ledger(NODE_2).nextAttemptAllowed(FailureType.PROCESS_CRASH, OPTIONS)).isEqualTo(at(10));
    }

    @Test
    void theAttemptNumberTheLiveEngineJournaledWinsOverAQuietSpellTheReplayTookForHealth() {
        // Given two failed restarts, a hold by the action budget longer than restart_cooldown (journaled once, with
        // no end), then a third restart the live engine numbered 3
        Failure crash = crash(NODE_2);
        confirmed(crash, at(0));
        failedRestart(crash, 1, at(0));
        failedRestart(crash, 2, at(10));
        record(new RecoveryEvent.RecoveryDeferred(at(30), crash, "action_budget", "the budget is spent",
                Optional.empty()));
        failedRestart(crash, 3, at(400));

        // When rebuilt right after it
        // Then the node has spent three attempts, as the live engine counted
        assertThat(rebuildAt(at(401)).ledger(NODE_2).attempts(FailureType.PROCESS_CRASH)).isEqualTo(3);
    }

    @Test
    void anUnreadableRecordIsSkippedNamingItsLineAndTheRestIsRestored() {
        // Given a journal whose second record lacks the failure type (as an edited journal may)
        Failure crash = crash(NODE_2);
        confirmed(crash, at(0));
        Map<String, Object> details = new LinkedHashMap<>(JournalRecords.describe(crash));
        details.remove("reason");
        details.putAll(Map.of("rung", "restart", "attempt", 1, "outcome", "failed", "detail", "exited"));
        journal.add(new JournalRecord(at(0), "recovery_attempted", details));
        failedRestart(crash, 2, at(10));

        // When rebuilt
        RebuiltState rebuilt = rebuildAt(at(11));

        // Then that record is named and skipped, and the others are restored
        assertThat(rebuilt.result().unreadable()).singleElement().asString()
                .startsWith("line 2 ('recovery_attempted' at 2026-01-01T00:00:00Z): no 'reason'");
        assertThat(rebuilt.result().summary()).contains("1 record could not be read and was skipped");
        assertThat(rebuilt.ledger(NODE_2).attempts(FailureType.PROCESS_CRASH)).isEqualTo(2);
    }

    /**
     * Lines as the previous version wrote them (0.1.0 snapshots: {@code node}, {@code nodes}, the failure type in
     * {@code failure} and the sentence in {@code reason}), in the file a daemon upgraded in place finds.
     */
    private static final String PREVIOUS_VERSION_JOURNAL = """
            {"timestamp":"2026-01-01T00:00:00Z","action":"failure_detected","details":{"failure":"process_crash",\
            "failure_id":"process_crash:node-2","nodes":["node-2"],"severity":"medium","summary":"'node-2' crashed",\
            "evidence":{"reachable":false},"confirmations":3,"first_seen":"2025-12-31T23:59:58Z"}}
            {"timestamp":"2026-01-01T00:00:00Z","action":"restart_node","details":{"node":"node-2","reason":"crashed",\
            "outcome":"failed","detail":"exited with code 2","quorum_effect":"voters up 2 of 3","rung":"restart",\
            "attempt":1,"failure":"process_crash","failure_id":"process_crash:node-2","nodes":["node-2"],\
            "severity":"medium","summary":"'node-2' crashed","evidence":{"reachable":false}}}
            {"timestamp":"2026-01-01T00:00:00Z","action":"recovery_attempted","details":{"failure":"process_crash",\
            "failure_id":"process_crash:node-2","nodes":["node-2"],"severity":"medium","summary":"'node-2' crashed",\
            "evidence":{"reachable":false},"rung":"restart","attempt":1,"outcome":"failed",\
            "detail":"exited with code 2"}}
            {"timestamp":"2026-01-01T00:00:00Z","action":"recovery_rung_failed","details":{"failure":"process_crash",\
            "failure_id":"process_crash:node-2","nodes":["node-2"],"severity":"medium","summary":"'node-2' crashed",\
            "evidence":{"reachable":false},"rung":"restart","outcome":"failed","reason":"exited with code 2"}}
            {"timestamp":"2026-01-01T00:00:10Z","action":"recovery_escalated","details":{"failure":"process_crash",\
            "failure_id":"process_crash:node-2","nodes":["node-2"],"severity":"medium","summary":"'node-2' crashed",\
            "evidence":{"reachable":false},"reason":"max_restart_attempts (3) reached","outcome":"escalated"}}
            {"timestamp":"2026-01-01T00:00:10Z","action":"node_quarantined","details":{"node":"node-2",\
            "reason":"max_restart_attempts (3) reached","failure_id":"process_crash:node-2"}}
            """;

    @Test
    void aJournalOfThePreviousVersionKeepsItsQuarantineAndAttempts() throws Exception {
        // Given the journal file of the previous version: a failed restart of node-2, then its quarantine
        Path file = Files.writeString(dir.resolve(FileRecoveryJournal.JOURNAL_FILE_NAME), PREVIOUS_VERSION_JOURNAL);
        journal.addAll(FileRecoveryJournal.read(file));

        // When the upgraded engine rebuilds its ledger from it
        RebuiltState rebuilt = rebuildAt(at(20));

        // Then every record was read, the node is still quarantined since 10 s, and its attempt and why it failed count
        assertThat(rebuilt.result().unreadable()).isEmpty();
        NodeLedger ledger = rebuilt.ledger(NODE_2);
        assertThat(ledger.quarantined()).isTrue();
        assertThat(ledger.quarantinedAt()).isEqualTo(at(10));
        assertThat(ledger.attempts(FailureType.PROCESS_CRASH)).isEqualTo(1);
        assertThat(ledger.lastFailure(FailureType.PROCESS_CRASH)).isEqualTo("restart: exited with code 2");
        assertThat(rebuilt.state().actionsInWindow(at(20))).isEqualTo(1);
    }

    @Test
    void aJournalInTheSeedsOlderShapeRestoresNothingAndDoesNotFail() {
        // Given records of the seed's format: an action named, its node, and nothing the engine writes today
        journal.add(new JournalRecord(at(0), "restart_node", Map.of("node", "node-2", "result", "ok")));
        journal.add(new JournalRecord(at(1), "node_quarantined", Map.of("reason", "too many restarts")));
        journal.add(new JournalRecord(at(2), "recovery_attempted", Map.of("node", "node-2", "outcome", "done")));
        journal.add(new JournalRecord(at(3), "recovery_verified", Map.of()));

        RebuiltState rebuilt = rebuildAt(at(4));

        assertThat(rebuilt.result().unreadable()).hasSize(2);
        assertThat(rebuilt.ledger(NODE_2).quarantined()).isFalse();
        assertThat(rebuilt.ledger(NODE_2).attempts(FailureType.PROCESS_CRASH)).isZero();
    }

    @Test
    void recordsOfNodesNoLongerInTheClusterAreLeftOut() {
        Failure crash = crash(NodeId.of("node-9"));
        confirmed(crash, at(0));
        failedRestart(crash, 1, at(0));
        quarantined(crash, at(0));

        RebuiltState rebuilt = rebuildAt(at(1));

        assertThat(rebuilt.result().unreadable()).isEmpty();
        assertThat(rebuilt.state().ledgers().values()).noneMatch(NodeLedger::quarantined);
    }

    @Test
    void recordsReadBackFromAJournalFileWithATornLastLineAreRestored() throws Exception {
        // Given the records written to a journal file, which a crash left ending in half a line
        Failure crash = crash(NODE_2);
        confirmed(crash, at(0));
        failedRestart(crash, 1, at(0));
        failedRestart(crash, 2, at(10));
        try (FileRecoveryJournal file = FileRecoveryJournal.open(dir)) {
            journal.forEach(file::append);
        }
        Files.write(dir.resolve(FileRecoveryJournal.JOURNAL_FILE_NAME),
                "{\"timestamp\":\"2026-01-01T00:00:11Z\",\"action\":\"recovery_att".getBytes(StandardCharsets.UTF_8),
                StandardOpenOption.APPEND);

        // When the journal is opened again and the ledger rebuilt from it
        List<JournalRecord> read;
        try (FileRecoveryJournal file = FileRecoveryJournal.open(dir)) {
            read = file.records();
        }
        journal.clear();
        journal.addAll(read);
        RebuiltState rebuilt = rebuildAt(at(12));

        // Then the complete records are restored (their numbers read back as Long)
        assertThat(rebuilt.ledger(NODE_2).attempts(FailureType.PROCESS_CRASH)).isEqualTo(2);
        assertThat(rebuilt.result().unreadable()).isEmpty();
    }

    @Test
    void aRecordLaterThanTheClockCountsAsMadeNow() {
        Failure crash = crash(NODE_2);
        confirmed(crash, at(0));
        failedRestart(crash, 1, at(100));

        RebuiltState rebuilt = rebuildAt(at(50));

        // its backoff (10 s) counts from now, not from a time yet to come
        assertThat(rebuilt.ledger(NODE_2).nextAttemptAllowed(FailureType.PROCESS_CRASH, OPTIONS)).isEqualTo(at(60));
        assertThat(rebuilt.result().summary()).contains("3 records were later than the clock, and taken as now");
    }
}
