package org.distributedtesting.recovery.core.coordination;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.test.TestingServer;
import org.distributedtesting.recovery.JournalRecord;
import org.distributedtesting.recovery.core.coordination.zookeeper.ZooKeeperCoordination;
import org.distributedtesting.recovery.core.coordination.zookeeper.ZooKeeperSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The lease, the epochs and the shared ledger on a real ZooKeeper server in this JVM (Curator's TestingServer). */
class ZooKeeperCoordinationTest {

    private static final Duration SESSION = Duration.ofSeconds(3);
    private static final Duration WAIT = Duration.ofSeconds(20);

    private TestingServer server;
    private final List<ZooKeeperCoordination> members = new ArrayList<>();
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-07T10:00:00Z"));
    private final Clock clock = new Clock() {
        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };

    @BeforeEach
    void startServer() throws Exception {
        server = new TestingServer(true);
    }

    @AfterEach
    void stop() throws Exception {
        members.forEach(ZooKeeperCoordination::close);
        server.close();
    }

    private ZooKeeperCoordination join(String id) {
        ZooKeeperCoordination c = ZooKeeperCoordination.start(new ZooKeeperSettings(server.getConnectString(),
                "/coordinator-recovery/test", SESSION, Duration.ofSeconds(2), id, Duration.ofHours(1)), clock);
        members.add(c);
        return c;
    }

    private List<ZooKeeperCoordination> active() {
        return members.stream().filter(m -> m.lease().active()).toList();
    }

    private static JournalRecord record(String action, Instant at, Map<String, Object> details) {
        return new JournalRecord(at, action, details);
    }

    @Test
    void exactlyOneOfThreeInstancesActsAndEachTakeoverHasALargerEpoch() {
        join("a");
        join("b");
        join("c");
        await().atMost(WAIT).until(() -> active().size() == 1);
        ZooKeeperCoordination first = active().get(0);
        long firstEpoch = first.lease().epoch();
        assertThat(firstEpoch).isPositive();
        members.stream().filter(m -> m != first).forEach(m -> {
            assertThat(m.lease().active()).isFalse();
            assertThat(m.lease().reason()).contains("another instance holds the lease");
        });

        // when the active one leaves (its daemon stops)
        first.close();
        members.remove(first);

        await().atMost(WAIT).until(() -> active().size() == 1);
        ZooKeeperCoordination second = active().get(0);
        assertThat(second.lease().epoch()).isGreaterThan(firstEpoch);
        assertThat(first.lease().active()).isFalse();
        assertThat(first.lease().epoch()).as("a standby keeps the last epoch it held, for fencing")
                .isEqualTo(firstEpoch);
    }

    @Test
    void theActiveStopsActingAsSoonAsZooKeeperIsUnreachableAndNobodyActsUntilItIsBack() throws Exception {
        join("a");
        join("b");
        await().atMost(WAIT).until(() -> active().size() == 1);
        long before = active().get(0).lease().epoch();

        server.stop();

        // well before the session could expire on the servers: the connection is suspended at once
        await().atMost(SESSION).until(() -> active().isEmpty());
        assertThat(members).allSatisfy(m -> assertThat(m.lease().reason()).contains("is unreachable since"));

        server.restart();
        await().atMost(WAIT).until(() -> active().size() == 1);
        assertThat(active().get(0).lease().epoch()).isGreaterThan(before);
    }

    @Test
    void theSharedLedgerKeepsWhatTheActiveSharedInOrderAndRefusesAnOldEpoch() throws Exception {
        ZooKeeperCoordination a = join("a");
        await().atMost(WAIT).until(() -> a.lease().active());
        long epoch = a.lease().epoch();
        ZooKeeperCoordination b = join("b");
        for (int i = 1; i <= 5; i++) {
            a.share(record("restart_node", now.get(), Map.of("attempt", (long) i)), epoch);
        }

        assertThat(b.sharedLedger()).extracting(r -> r.details().get("attempt"))
                .containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThatThrownBy(() -> b.share(record("restart_node", now.get(), Map.of()), epoch))
                .isInstanceOf(CoordinationException.class).hasMessageContaining("no longer holds epoch " + epoch);

        a.close();
        members.remove(a);
        await().atMost(WAIT).until(() -> b.lease().active());
        assertThatThrownBy(() -> a.share(record("restart_node", now.get(), Map.of()), epoch))
                .isInstanceOf(CoordinationException.class);
        assertThat(b.sharedLedger()).hasSize(5);
    }

    @Test
    void recordsOlderThanTheRetentionGoExceptEachNodesLastQuarantineStep() throws Exception {
        ZooKeeperCoordination a = join("a");
        await().atMost(WAIT).until(() -> a.lease().active());
        long epoch = a.lease().epoch();
        Instant old = now.get();
        a.share(record("node_quarantined", old, Map.of("node_id", "node-2")), epoch);
        a.share(record("restart_node", old, Map.of("node_id", "node-1")), epoch);
        a.share(record("node_quarantined", old, Map.of("node_id", "node-3")), epoch);
        a.share(record("node_released", old, Map.of("node_id", "node-3")), epoch);

        now.set(old.plus(Duration.ofHours(2)));
        a.share(record("restart_node", now.get(), Map.of("node_id", "node-1")), epoch);

        assertThat(a.sharedLedger()).extracting(r -> r.action() + " " + r.details().get("node_id"))
                .containsExactly("node_quarantined node-2", "node_released node-3", "restart_node node-1");
        assertThat(a.sharedLedger()).hasSize(3);
    }

    @Test
    void anUnreachableEnsembleAtStartIsAStandbyNotAnError() {
        ZooKeeperCoordination lonely = ZooKeeperCoordination.start(new ZooKeeperSettings("127.0.0.1:1",
                "/coordinator-recovery/test", SESSION, Duration.ofMillis(500), "x", Duration.ofHours(1)), clock);
        members.add(lonely);

        assertThat(lonely.lease().active()).isFalse();
        assertThat(lonely.lease().reason()).contains("127.0.0.1:1").contains("unreachable");
        assertThatThrownBy(lonely::sharedLedger).isInstanceOf(CoordinationException.class)
                .hasMessageContaining("unreachable");
    }

    @Test
    void settingsNameWhatIsWrong() {
        assertThatThrownBy(() -> ZooKeeperSettings.of("zk:2181", "relative/path", "a"))
                .hasMessageContaining("base_path");
        assertThatThrownBy(() -> ZooKeeperSettings.of("zk:2181", "/x", "bad id"))
                .hasMessageContaining("instance_id");
        assertThatThrownBy(() -> new ZooKeeperSettings("zk:2181", "/x", Duration.ofMillis(500),
                Duration.ofSeconds(1), "a", Duration.ofHours(1))).hasMessageContaining("session_timeout");
    }
}
