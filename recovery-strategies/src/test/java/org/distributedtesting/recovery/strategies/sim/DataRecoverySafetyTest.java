package org.distributedtesting.recovery.strategies.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.distributedtesting.recovery.JournalRecord;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.RecoveryStrategy;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.core.CycleReport;
import org.distributedtesting.recovery.core.RecoveryEngine;
import org.distributedtesting.recovery.core.journal.InMemoryJournal;
import org.distributedtesting.recovery.core.sim.ClientWrite;
import org.distributedtesting.recovery.core.sim.NodeView;
import org.distributedtesting.recovery.core.sim.SimulatedCluster;
import org.distributedtesting.recovery.strategies.BuiltInStrategies;
import org.distributedtesting.recovery.strategies.DatabaseCorruptionStrategy;
import org.distributedtesting.recovery.strategies.LogCorruptionStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The data strategies where recovery must hold back: the quorum budget, a node that resists every action (the ladder
 * climbs, then escalates instead of looping), a node that cannot start on its corrupt log, and a healthy but noisy
 * cluster on which nothing may be reported.
 */
class DataRecoverySafetyTest {

    private static final Set<String> NODE_ACTIONS = Set.of("stop_node", "start_node",
            "restart_node", "move_aside_database", "move_aside_log", "restore_database", "reset_database",
            "reset_log");

    private final InMemoryJournal journal = new InMemoryJournal();

    private static List<RecoveryStrategy> builtIns() {
        return new BuiltInStrategies().strategies(n -> Settings.EMPTY);
    }

    private static SimulatedCluster cluster(int nodes, long seed) {
        return warmedUp(SimulatedCluster.builder().nodes(nodes).seed(seed).build());
    }

    private static SimulatedCluster warmedUp(SimulatedCluster cluster) {
        assertThat(cluster.awaitLeader(Duration.ofSeconds(30))).isPresent();
        for (int i = 0; i < 25; i++) {
            cluster.write("warm-up " + i);
            cluster.advance(Duration.ofMillis(200));
        }
        return cluster;
    }

    private static List<NodeId> followers(SimulatedCluster cluster) {
        NodeId leader = cluster.leader().orElseThrow();
        return cluster.nodeIds().stream().filter(n -> !n.equals(leader)).toList();
    }

    /** One engine cycle after a virtual second of client writes at 5 per second. */
    private static CycleReport cycle(SimulatedCluster cluster, RecoveryEngine engine) {
        for (int i = 0; i < 5; i++) {
            cluster.write("v" + cluster.clock().millis());
            cluster.advance(Duration.ofMillis(200));
        }
        return engine.runCycle();
    }

    /** Records of actions on the node, whatever their outcome (a refused action is journaled too). */
    private long actionsOn(NodeId node) {
        return journal.records().stream().filter(r -> node.value().equals(r.details().get("node_id")))
                .filter(r -> NODE_ACTIONS.contains(r.action())).count();
    }

    private List<String> rungRecords(String... actions) {
        List<String> wanted = List.of(actions);
        return journal.records().stream().map(JournalRecord::action).filter(wanted::contains).toList();
    }

    @Test
    void theDatabaseRungIsHeldBackWhileAnotherVoterIsDownAndTheClusterKeepsItsMajorityUntilTheEngineEscalates() {
        // Given 3 nodes: one crashed and kept down, another with a corrupt database
        SimulatedCluster cluster = cluster(3, 11);
        NodeId crashed = followers(cluster).get(0);
        NodeId corrupt = followers(cluster).get(1);
        cluster.faults().crash(crashed);
        cluster.faults().refuseActions(crashed);
        cluster.faults().corruptDatabase(corrupt);
        RecoveryOptions options = RecoveryOptions.defaults();
        Duration heldBackLimit = options.verifyTimeout().multipliedBy(options.maxRestartAttempts());

        // When the engine runs for seven virtual minutes: longer than the guards may hold a recovery back
        try (RecoveryEngine engine = cluster.engine().strategies(builtIns()).options(options).journal(journal)
                .build()) {
            for (int i = 0; i < 420; i++) {
                cycle(cluster, engine);
                long alive = cluster.views().stream().filter(NodeView::alive).count();
                assertThat(alive).as("live nodes after cycle %d", i).isGreaterThanOrEqualTo(2);
                assertThat(cluster.view(corrupt).alive()).as("'%s' after cycle %d", corrupt, i).isTrue();
            }
        }

        // Then the quorum guard held every try back before the corrupt node was stopped, each try waited without
        // spending an attempt or climbing, and once held back for verify_timeout x max_restart_attempts the engine
        // gave up
        String failureId = "database_corruption:" + corrupt.value();
        assertThat(journal.records("stop_node")).as("asked before stopping: nothing was stopped")
                .noneSatisfy(r -> assertThat(r.details()).containsEntry("node_id", corrupt.value()));
        assertThat(journal.records("full_state_sync_on_corrupt_database")).isNotEmpty()
                .allSatisfy(r -> assertThat(r.details().get("detail").toString())
                        .contains("refused by quorum_budget").endsWith("nothing was stopped"));
        List<String> rungs = journal.records().stream()
                .filter(r -> Set.of("recover_database_corruption", "full_state_sync_on_corrupt_database")
                        .contains(r.action()))
                .map(r -> r.details().get("rung") + ":" + r.details().get("outcome")).toList();
        // no replica has a majority's word while the other voter is down: the full sync is tried, and waits
        assertThat(rungs).as("rung records").startsWith("restore_from_replica:skipped", "full_state_sync:deferred")
                .containsOnly("restore_from_replica:skipped", "full_state_sync:deferred")
                .containsOnlyOnce("restore_from_replica:skipped");
        assertThat(journal.records("recovery_rung_failed"))
                .noneSatisfy(r -> assertThat(r.details()).containsEntry("failure_id", failureId));
        JournalRecord firstTry = journal.records("full_state_sync_on_corrupt_database").get(0);
        assertThat(journal.records("recovery_escalated")).filteredOn(r -> failureId.equals(
                r.details().get("failure_id"))).singleElement().satisfies(r -> {
                    assertThat(r.details().get("why").toString()).startsWith("held back by the engine's guards");
                    assertThat(Duration.between(firstTry.timestamp(), r.timestamp())).isGreaterThanOrEqualTo(
                            heldBackLimit);
                });
        assertThat(cluster.movedAside(corrupt)).isEmpty();
        assertThat(cluster.leader()).isPresent();
        assertThat(cluster.invariants().violations()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {DatabaseCorruptionStrategy.NAME, LogCorruptionStrategy.NAME})
    void whenEveryRepairFailsTheLadderClimbsThenEscalatesInsteadOfLooping(String type) {
        // Given a follower whose data is corrupt and that refuses every action
        SimulatedCluster cluster = cluster(3, 23);
        NodeId node = followers(cluster).get(0);
        if (type.equals(DatabaseCorruptionStrategy.NAME)) {
            cluster.faults().corruptDatabase(node);
        } else {
            cluster.faults().corruptLog(node, "GAP");
        }
        cluster.faults().refuseActions(node);
        String first = type.equals(DatabaseCorruptionStrategy.NAME) ? "recover_database_corruption"
                : "recover_log_corruption";
        String second = type.equals(DatabaseCorruptionStrategy.NAME) ? "full_state_sync_on_corrupt_database"
                : "full_state_sync_on_corrupt_log";

        try (RecoveryEngine engine = cluster.engine().strategies(builtIns()).journal(journal).build()) {
            // When the engine runs until it escalates
            int cycles = 0;
            while (journal.records("recovery_escalated").isEmpty() && cycles++ < 600) {
                cycle(cluster, engine);
            }
            long actionsAtEscalation = actionsOn(node);
            for (int i = 0; i < 120; i++) {
                cycle(cluster, engine);
            }

            // Then
            // the ladder climbed; the node is quarantined once any of its failing recoveries spends its budget
            // (the corrupt node may also show as a slow follower, with a budget of its own)
            assertThat(rungRecords(first, second)).as("rung records").startsWith(first, second)
                    .containsOnly(first, second).hasSizeBetween(2, 5);
            assertThat(journal.records("recovery_escalated")).singleElement()
                    .satisfies(r -> assertThat(r.details()).containsEntry("node_ids", List.of(node.value())));
            assertThat(journal.records("node_quarantined")).singleElement()
                    .satisfies(r -> assertThat(r.details()).containsEntry("node_id", node.value()));
            assertThat(engine.quarantined()).containsExactly(node);
            assertThat(actionsOn(node)).as("actions after escalation").isEqualTo(actionsAtEscalation);
        }
        assertThat(cluster.invariants().violations()).isEmpty();
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {3, 4, 5})
    void aNodeThatCannotStartOnItsCorruptLogIsRestartedOnceThenRepairedByTheLogStrategy(long seed) {
        // Given a follower whose log is corrupt, seen so by the engine, then killed
        SimulatedCluster cluster = cluster(3, seed);
        NodeId node = followers(cluster).get(0);
        cluster.faults().corruptLog(node, "GAP");
        try (RecoveryEngine engine = cluster.engine().strategies(builtIns()).journal(journal).build()) {
            cycle(cluster, engine);
            cluster.faults().crash(node);

            // When
            int cycles = 0;
            while (journal.records("recovery_verified").isEmpty() && cycles++ < 120) {
                cycle(cluster, engine);
            }
        }

        // Then the crash strategy tried one restart, which failed on the log; the log strategy took over
        assertThat(journal.records("restart_node")).singleElement()
                .satisfies(r -> assertThat(r.details()).containsEntry("outcome", "failed"));
        assertThat(journal.records("failure_detected")).extracting(r -> r.details().get("failure_id"))
                .containsExactly("process_crash:" + node.value(), "log_corruption:" + node.value());
        assertThat(journal.records("failure_detected").get(1).details().get("evidence"))
                .asInstanceOf(InstanceOfAssertFactories.MAP).containsEntry("signal", "fails_to_start");
        assertThat(journal.records("recovery_verified")).singleElement()
                .satisfies(r -> assertThat(r.details()).containsEntry("rung", "reset_log"));
        assertThat(cluster.view(node).alive()).isTrue();
        assertThat(cluster.view(node).log().failed()).isFalse();
        assertThat(cluster.invariants().violations()).isEmpty();
    }

    @ParameterizedTest(name = "{0} nodes")
    @ValueSource(ints = {3, 5})
    void aHealthyNoisyClusterRunsTwoThousandCyclesWithoutADataFailure(int nodes) {
        // Given jitter, GC pauses, brief lag and the odd leader restart (an election), but no corruption
        SimulatedCluster cluster = cluster(nodes, 97 + nodes);
        cluster.faults().jitter(Duration.ofMillis(20));
        Random random = new Random(nodes);
        List<RecoveryStrategy> data = List.of(new LogCorruptionStrategy(), new DatabaseCorruptionStrategy());
        int reported = 0;
        try (RecoveryEngine engine = cluster.engine().strategies(data).journal(journal).build()) {
            for (int i = 0; i < 2_000; i++) {
                NodeId someone = cluster.nodeIds().get(random.nextInt(nodes));
                switch (i % 100) {
                    case 10 -> cluster.faults().pause(someone, Duration.ofMillis(500));
                    case 40 -> cluster.faults().briefLag(someone, Duration.ofMillis(300), Duration.ofSeconds(2));
                    case 70 -> cluster.leader().ifPresent(cluster::crash);
                    case 72 -> cluster.nodeIds().forEach(cluster::start);
                    default -> { }
                }
                reported += cycle(cluster, engine).detected().size();
            }
        }

        // Then
        assertThat(reported).as(journal.records().toString()).isZero();
        assertThat(cluster.invariants().violations()).isEmpty();
        assertThat(cluster.writes().stream().filter(ClientWrite::acknowledged).count()).isGreaterThan(5_000);
    }
}
