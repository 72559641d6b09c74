package org.distributedtesting.recovery.core.regression;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.JournalRecord;
import org.distributedtesting.recovery.RecoveryEvent;
import org.distributedtesting.recovery.RungResult;
import org.distributedtesting.recovery.core.engine.EngineHarness;
import org.distributedtesting.recovery.core.engine.TestStrategy;
import org.junit.jupiter.api.Test;

/**
 * A recovery held back by {@code node_cooldown} (or by backoff, or by another recovery on its node) was logged only
 * at DEBUG: the operator saw a confirmed failure and nothing happening for half a minute. Every hold is an event and
 * a journal record with its guard, its reason and when it ends, once when it begins, not every cycle it lasts.
 */
class HoldsByGuardsWereInvisibleTest {

    @Test
    void aRecoveryHeldByTheCooldownIsJournaledOnceWithItsGuardAndEnd() {
        List<String> runs = new ArrayList<>();
        TestStrategy disturbing = TestStrategy.of(FailureType.RESOURCE_EXHAUSTION, "cleanup_then_bounce", (f, c) -> {
            runs.add("attempt " + c.attempt());
            c.perform(new Action.Custom(f.nodes().get(0), "bounce", Action.Impact.DISRUPTIVE, Map.of()), "test");
            return RungResult.acted("bounced");
        });
        try (EngineHarness h = new EngineHarness(3, EngineHarness.FAST, disturbing)) {
            // given a node recovered by a disruptive rung, failing again at once while its process stays alive
            h.cluster.cutOff(2);
            h.cycles(3);
            h.cluster.heal(2);
            h.cycles(1);
            h.cluster.cutOff(2);

            // when the failure is confirmed again during the node's 30 s cooldown, and the cooldown passes
            h.cycles(35);

            // then the hold is one event and one record, naming the guard, the reason and its end
            assertThat(h.events(RecoveryEvent.RecoveryDeferred.class)).filteredOn(e -> e.guard().equals("node_cooldown"))
                    .singleElement().satisfies(e -> assertThat(e.until()).isPresent());
            List<JournalRecord> held = h.records("recovery_deferred").stream()
                    .filter(r -> "node_cooldown".equals(r.details().get("guard"))).toList();
            assertThat(held).singleElement().satisfies(r -> assertThat(r.details())
                    .containsEntry("guard", "node_cooldown").containsKey("until")
                    .containsEntry("failure_id", "resource_exhaustion:node-2")
                    .hasEntrySatisfying("why", reason -> assertThat((String) reason).contains("node_cooldown")));
            assertThat(runs).hasSize(2);
        }
    }

    @Test
    void aRecoveryHeldByBackoffIsJournaledToo() {
        List<String> runs = new ArrayList<>();
        TestStrategy failing = TestStrategy.of(FailureType.DEADLOCK, "poke", (f, c) -> {
            runs.add("attempt " + c.attempt());
            return RungResult.failed("could not");
        });
        try (EngineHarness h = new EngineHarness(3, EngineHarness.FAST, failing)) {
            h.cluster.cutOff(2);
            h.cycles(8);

            assertThat(runs).hasSize(1);
            assertThat(h.records("recovery_deferred")).singleElement().satisfies(r -> assertThat(r.details())
                    .containsEntry("guard", "backoff").containsKey("until"));
        }
    }
}
