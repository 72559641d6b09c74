package org.distributedtesting.recovery.core.regression;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.JournalRecord;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.RungResult;
import org.distributedtesting.recovery.core.engine.EngineHarness;
import org.distributedtesting.recovery.core.engine.TestStrategy;
import org.junit.jupiter.api.Test;

/**
 * A node whose process died right after every start (its database would not open) sat in restarts for 5 1/2
 * minutes: each restart was reported done and then waited the whole 60 s verify_timeout, and the escalation said
 * only "max_restart_attempts reached". A start that does not hold fails its rung at once (then backoff), and the
 * escalation names what the last attempt ran into.
 */
class StartThatDiedAtOnceWaitedOutVerifyTimeoutTest {

    @Test
    void aRestartedProcessThatEndsAgainFailsTheRungInTheNextCycleAndTheEscalationSaysWhy() {
        RecoveryOptions options = EngineHarness.FAST.toBuilder().verifyTimeout(Duration.ofSeconds(60))
                .backoffInitial(Duration.ofSeconds(2)).backoffMax(Duration.ofSeconds(2)).maxRestartAttempts(3)
                .confirmations(2).build();
        TestStrategy restart = TestStrategy.of(FailureType.PROCESS_CRASH, "restart", (f, c) -> {
            c.perform(new Action.Restart(f.nodes().get(0)), "process dead");
            return RungResult.acted("restarted");
        });
        try (EngineHarness h = new EngineHarness(3, options, restart)) {
            // Given a node whose process dies again right after each start
            h.cluster.crash(2);
            h.cluster.onAction(action -> {
                if (action.kind() == org.distributedtesting.recovery.ActionKind.START) {
                    return org.distributedtesting.recovery.ActionResult.Done.of("started");
                }
                return org.distributedtesting.recovery.ActionResult.Done.of("ok");
            });
            for (int second = 0; second < 40 && h.engine.quarantined().isEmpty(); second++) {
                h.cycle(Duration.ofSeconds(1));
                h.cluster.crash(2); // whatever started it has died again by the next cycle
            }

            // Then three attempts failed fast and the node was quarantined within seconds, not minutes
            assertThat(h.records("restart_node")).hasSize(3);
            assertThat(h.records("recovery_rung_failed")).hasSize(3).allSatisfy(r -> assertThat(
                    (String) r.details().get("why")).contains("was started, and its process ended again"));
            JournalRecord escalated = h.records("recovery_escalated").get(0);
            assertThat(Duration.between(h.records("restart_node").get(0).timestamp(), escalated.timestamp()))
                    .isLessThan(options.verifyTimeout());
            assertThat((String) escalated.details().get("why"))
                    .contains("max_restart_attempts (3)", "the last attempt:", "process ended again");
            assertThat(h.engine.quarantined()).hasSize(1);
        }
    }
}
