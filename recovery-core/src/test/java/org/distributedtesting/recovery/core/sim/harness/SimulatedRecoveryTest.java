package org.distributedtesting.recovery.core.sim.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.RecoveryEvent;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.core.CycleReport;
import org.distributedtesting.recovery.core.SettleReport;
import org.distributedtesting.recovery.core.sim.SimulatedCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SimulatedRecoveryTest {

    private SimulatedCluster cluster;
    private NodeId follower;
    private SimulatedRecovery recovery;

    @BeforeEach
    void electALeader() {
        cluster = SimulatedCluster.builder().nodes(3).seed(3).build();
        NodeId leader = cluster.awaitLeader(Duration.ofSeconds(10)).orElseThrow();
        follower = cluster.nodeIds().stream().filter(n -> !n.equals(leader)).findFirst().orElseThrow();
        recovery = SimulatedRecovery.of(cluster, List.of(new TinyCrashStrategy()), RecoveryOptions.defaults());
    }

    @AfterEach
    void close() {
        recovery.close();
    }

    @Test
    void restartsACrashedFollowerAndRecordsItInTheJournalAndTheEvents() {
        // Given
        cluster.crash(follower);
        long before = cluster.clock().millis();

        // When
        SettleReport report = recovery.runUntilHealthy(Duration.ofMinutes(5));

        // Then
        assertThat(report.healthy()).isTrue();
        assertThat(cluster.view(follower).alive()).isTrue();
        assertThat(recovery.journal().records("restart_node")).singleElement()
                .satisfies(r -> assertThat(r.details()).containsEntry("node_id", follower.value()));
        assertThat(recovery.events(RecoveryEvent.RecoveryVerified.class)).singleElement()
                .satisfies(e -> assertThat(e.failure().key()).isEqualTo("process_crash:" + follower));
        // restarted in the first cycle (its process ended: no confirmations needed), then verified once it caught
        // up: all on virtual time
        assertThat(cluster.clock().millis() - before).isEqualTo(report.elapsed().toMillis())
                .isGreaterThanOrEqualTo(1000).isLessThan(3000);
    }

    @Test
    void returnsAfterOneCycleWhenTheClusterIsHealthy() {
        // When
        SettleReport report = recovery.runUntilHealthy(Duration.ofMinutes(5));

        // Then
        assertThat(report.healthy()).isTrue();
        assertThat(report.cycles()).isEqualTo(1);
        assertThat(recovery.journal().records()).isEmpty();
    }

    @Test
    void stopsAtTheVirtualDeadlineWithTheFailureStillThere() {
        // Given: a crashed follower restarted in the first cycle, whose recovery is not yet verified when no time is left
        cluster.crash(follower);

        // When
        SettleReport report = recovery.runUntilHealthy(Duration.ZERO);

        // Then
        assertThat(report.healthy()).isFalse();
        assertThat(report.cycles()).isEqualTo(1);
        assertThat(report.remaining()).singleElement().satisfies(f -> assertThat(f.affects(follower)).isTrue());
        assertThat(recovery.journal().records("restart_node")).hasSize(1);
        assertThat(recovery.journal().records("recovery_verified")).isEmpty();
    }

    @Test
    void runForRunsACycleEveryVerifyIntervalForTheWholeSpanWhateverTheState() {
        // Given
        long before = cluster.clock().millis();

        // When
        CycleReport last = recovery.runFor(Duration.ofSeconds(10));

        // Then
        assertThat(last.healthy()).isTrue();
        assertThat(recovery.events(RecoveryEvent.CycleCompleted.class)).hasSize(11);
        assertThat(cluster.clock().millis() - before).isEqualTo(10_000);
    }

    @Test
    void eventsOfAKindKeepTheirOrder() {
        // Given
        cluster.crash(follower);

        // When
        recovery.runUntilHealthy(Duration.ofMinutes(5));

        // Then
        List<Class<?>> kinds = recovery.events().stream()
                .filter(e -> !(e instanceof RecoveryEvent.CycleCompleted))
                .<Class<?>>map(Object::getClass).distinct().toList();
        assertThat(kinds).containsExactly(RecoveryEvent.FailureConfirmed.class, RecoveryEvent.ActionTaken.class,
                RecoveryEvent.RungAttempted.class, RecoveryEvent.RecoveryVerified.class);
        assertThat(recovery.events(RecoveryEvent.FailureConfirmed.class)).singleElement()
                .satisfies(e -> assertThat(e.failure().type()).isEqualTo(FailureType.PROCESS_CRASH));
    }

    @Test
    void isListedOnItsClusterUntilClosedAndRefusesToRunAfterwards() {
        // Given
        assertThat(SimulatedRecovery.openOn(cluster)).containsExactly(recovery);

        // When
        recovery.close();
        recovery.close();

        // Then
        assertThat(SimulatedRecovery.openOn(cluster)).isEmpty();
        assertThatThrownBy(() -> recovery.runUntilHealthy(Duration.ofSeconds(1)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void rejectsANegativeDurationAndMissingStrategies() {
        assertThatThrownBy(() -> recovery.runFor(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("duration must be >= 0, but was PT-1S");
        assertThatThrownBy(() -> SimulatedRecovery.of(cluster, List.of(), RecoveryOptions.defaults()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("strategy");
    }
}
