package org.distributedtesting.recovery.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.JournalRecord;
import org.distributedtesting.recovery.RecoveryContext;
import org.distributedtesting.recovery.RecoveryEvent;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.RungResult;
import org.junit.jupiter.api.Test;

/**
 * Several engines on one cluster, coordinated: only the lease holder acts, under its epoch; a standby journals what
 * it sees; a takeover keeps the attempt budget and quarantine; an engine that loses the lease mid-rung stops.
 */
class CoordinatedEnginesTest {

    private static final RecoveryOptions OPTIONS = EngineHarness.FAST.toBuilder().maxRestartAttempts(3)
            .backoffInitial(Duration.ZERO).backoffMax(Duration.ZERO).build();

    private final FakeCluster cluster = new FakeCluster(3);
    private final MutableClock clock = MutableClock.atEpoch();
    private final FakeCoordination group = new FakeCoordination();

    /** A ladder whose one rung pokes the node (an action) and fails, so every attempt shows in the journal. */
    private static TestStrategy failing(List<String> log) {
        BiFunction<Failure, RecoveryContext, RungResult> rung = (f, c) -> {
            log.add("attempt " + c.attempt());
            ActionResult poked = c.perform(new Action.Custom(f.nodes().get(0), "poke", Action.Impact.NONE, Map.of()),
                    "test");
            return poked.done() ? RungResult.failed("still down") : RungResult.failed(poked.detail());
        };
        return new TestStrategy("deadlock", FailureType.DEADLOCK, false, List.of(Map.entry("poke", rung)));
    }

    private EngineHarness engine(String instance, List<String> log) {
        return new EngineHarness(cluster, clock, OPTIONS, group.member(instance), failing(log));
    }

    /** Both engines run a cycle, then a second passes. */
    private static void cycles(int n, MutableClock clock, EngineHarness... engines) {
        for (int i = 0; i < n; i++) {
            for (EngineHarness e : engines) {
                e.engine.runCycle();
            }
            clock.advance(Duration.ofSeconds(1));
        }
    }

    @Test
    void onlyTheLeaseHolderActsAndTheStandbyJournalsWhatItSeesAsAStandby() {
        List<String> aLog = new ArrayList<>();
        List<String> bLog = new ArrayList<>();
        group.handTo("a");
        try (EngineHarness a = engine("a", aLog); EngineHarness b = engine("b", bLog)) {
            cluster.crash(2);
            cycles(8, clock, a, b);

            assertThat(aLog).isNotEmpty();
            assertThat(bLog).as("the standby ran no rung").isEmpty();
            assertThat(b.events(RecoveryEvent.ActionTaken.class)).isEmpty();
            assertThat(b.records("failure_detected")).singleElement().satisfies(r -> assertThat(r.details())
                    .containsEntry("instance", "b").containsEntry("role", "standby").containsEntry("epoch", 0L));
            assertThat(a.records("poke")).isNotEmpty().allSatisfy(r -> assertThat(r.details())
                    .containsEntry("instance", "a").containsEntry("role", "active").containsEntry("epoch", 1L));
            assertThat(a.events(RecoveryEvent.RoleChanged.class)).singleElement()
                    .satisfies(e -> assertThat(e.active()).isTrue());
            assertThat(b.events(RecoveryEvent.RoleChanged.class)).singleElement()
                    .satisfies(e -> assertThat(e.reason()).contains("a holds the lease"));
            assertThat(b.engine.lease().active()).isFalse();
            assertThat(a.engine.lease().epoch()).isEqualTo(1);
            // only the active one's ledger records were shared
            assertThat(group.ledger).isNotEmpty().allSatisfy(r -> assertThat(r.details()).containsEntry("instance", "a"));
        }
    }

    @Test
    void aTakeoverKeepsTheAttemptBudgetSoACrashLoopStillEndsInQuarantineAfterMaxAttemptsInTotal() {
        List<String> aLog = new ArrayList<>();
        List<String> bLog = new ArrayList<>();
        group.handTo("a");
        try (EngineHarness a = engine("a", aLog); EngineHarness b = engine("b", bLog)) {
            cluster.crash(2);
            while (aLog.size() < 2) {
                cycles(1, clock, a, b);
            }
            // when the lease moves to b (a's host was cut off)
            group.handTo("b");
            cycles(200, clock, a, b);

            assertThat(aLog).hasSize(2);
            assertThat(bLog).as("b goes on from a's attempts").containsExactly("attempt 3");
            assertThat(b.engine.quarantined()).containsExactly(FakeCluster.id(2));
            assertThat(b.records("node_quarantined")).singleElement();
            assertThat(a.events(RecoveryEvent.RoleChanged.class)).last()
                    .satisfies(e -> assertThat(e.active()).isFalse());
            assertThat(b.events(RecoveryEvent.RoleChanged.class)).last().satisfies(e -> {
                assertThat(e.active()).isTrue();
                assertThat(e.epoch()).isEqualTo(2);
                assertThat(e.reason()).contains("ledger rebuilt from");
            });
        }
    }

    @Test
    void aQuarantineStaysAcrossATakeover() {
        List<String> aLog = new ArrayList<>();
        List<String> bLog = new ArrayList<>();
        group.handTo("a");
        try (EngineHarness a = engine("a", aLog); EngineHarness b = engine("b", bLog)) {
            cluster.crash(2);
            cycles(100, clock, a, b);
            assertThat(a.engine.quarantined()).containsExactly(FakeCluster.id(2));

            group.handTo("b");
            cycles(20, clock, a, b);

            assertThat(b.engine.quarantined()).containsExactly(FakeCluster.id(2));
            assertThat(bLog).isEmpty();
        }
    }

    @Test
    void anEngineThatLosesTheLeaseInTheMiddleOfARungIsRefusedItsNextAction() {
        group.handTo("a");
        List<ActionResult> results = new ArrayList<>();
        BiFunction<Failure, RecoveryContext, RungResult> twoSteps = (f, c) -> {
            results.add(c.perform(new Action.Custom(f.nodes().get(0), "first", Action.Impact.NONE, Map.of()), "t"));
            group.handTo("b"); // the lease moves while the rung runs
            results.add(c.perform(new Action.Custom(f.nodes().get(0), "second", Action.Impact.NONE, Map.of()), "t"));
            return RungResult.failed("done");
        };
        try (EngineHarness a = new EngineHarness(cluster, clock, OPTIONS, group.member("a"),
                new TestStrategy("deadlock", FailureType.DEADLOCK, false, List.of(Map.entry("two", twoSteps))))) {
            cluster.crash(2);
            cycles(4, clock, a);

            assertThat(results).hasSize(2);
            assertThat(results.get(0).done()).isTrue();
            assertThat(results.get(1)).isInstanceOfSatisfying(ActionResult.Refused.class, r -> {
                assertThat(r.guard()).isEqualTo("lease");
                assertThat(r.detail()).contains("lost the lease of epoch 1");
            });
            assertThat(cluster.actions()).extracting(Action::name).containsExactly("first");
            // the refused action's record was not shared: the store took only what epoch 1 did while it held it
            assertThat(group.ledger).noneMatch(r -> "second".equals(r.action()));
        }
    }

    @Test
    void anInstanceThatHoldsTheLeaseButCannotReadTheSharedLedgerActsOnNothing() {
        List<String> log = new ArrayList<>();
        group.handTo("a");
        group.storeDown(true);
        try (EngineHarness a = engine("a", log)) {
            cluster.crash(2);
            cycles(10, clock, a);

            assertThat(log).isEmpty();
            assertThat(a.engine.lease().active()).isFalse();
            assertThat(a.events(RecoveryEvent.RoleChanged.class)).singleElement()
                    .satisfies(e -> assertThat(e.reason()).contains("cannot read the shared ledger"));

            group.storeDown(false);
            cycles(5, clock, a);
            assertThat(log).isNotEmpty();
            assertThat(a.engine.lease().active()).isTrue();
        }
    }

    @Test
    void aLoneEngineStampsNothingAndNeverChangesRole() {
        List<String> log = new ArrayList<>();
        try (EngineHarness lone = new EngineHarness(3, OPTIONS, failing(log))) {
            lone.cluster.crash(2);
            lone.cycles(10);

            assertThat(log).isNotEmpty();
            assertThat(lone.journal.records()).extracting(JournalRecord::details)
                    .allSatisfy(d -> assertThat(d).doesNotContainKeys("instance", "role", "epoch"));
            assertThat(lone.events(RecoveryEvent.RoleChanged.class)).isEmpty();
            assertThat(lone.engine.lease().active()).isTrue();
            assertThat(lone.engine.lease().epoch()).isZero();
        }
    }
}
