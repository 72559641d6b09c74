package org.distributedtesting.recovery.strategies.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.JournalRecord;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.core.http.client.HttpNodeControl;
import org.distributedtesting.recovery.core.journal.FileRecoveryJournal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several real daemon processes on one cluster of three stand-in nodes, coordinated through a real 3-server
 * ZooKeeper ensemble in this JVM: exactly one acts, a standby takes over from an active one that is killed or cut off
 * from ZooKeeper, a late request with the old epoch is refused by the node, the attempt budget holds across a
 * takeover, and with ZooKeeper down nobody acts. Every node is supervised by start/stop/status scripts, so any daemon
 * can restart it, as on a cluster whose nodes live on other hosts. Each daemon reaches ZooKeeper through its own TCP
 * proxy, so that one can be cut off alone.
 */
class SeveralDaemonsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The ZooKeeper session timeout the daemons ask for, in seconds. */
    private static final int SESSION_SECONDS = 4;
    /** The daemons' cycle interval, in seconds. */
    private static final int INTERVAL_SECONDS = 1;
    /** What the issue allows a takeover: a session timeout and two cycles; plus room for a loaded CI machine. */
    private static final Duration TAKEOVER_LIMIT = Duration.ofSeconds(SESSION_SECONDS + 2L * INTERVAL_SECONDS + 3);
    private static final String OPTIONS = "{\"confirmations\": 2, \"verify_interval\": 0.5, \"probe_timeout\": 1,"
            + " \"verify_timeout\": 20, \"backoff_initial\": 1, \"backoff_max\": 2, \"max_restart_attempts\": 4,"
            + " \"quarantine_retry_after\": 3600}";

    @TempDir
    Path dir;

    private ZooKeeperEnsemble zookeeper;
    private StandInCluster cluster;
    private final List<Daemon> daemons = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    /** One daemon process, its proxy to ZooKeeper, its journal and its /health. */
    private final class Daemon {
        final String id;
        final TcpProxy proxy;
        final int metricsPort;
        final Path recoveryDir;
        final Path config;
        DaemonProcess process;

        Daemon(String id) throws IOException {
            this.id = id;
            this.proxy = TcpProxy.start(zookeeper.servers());
            this.metricsPort = FreePorts.next();
            this.recoveryDir = dir.resolve("recovery-" + id);
            this.config = writeConfig(this);
        }

        void start() throws IOException {
            process = DaemonProcess.start(dir, "--config", config.toString(), "--daemon", "--interval",
                    Integer.toString(INTERVAL_SECONDS));
        }

        /** The /health answer, or empty while the daemon does not answer. */
        Optional<JsonNode> health() {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + metricsPort + "/health")).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString());
                return Optional.of(JSON.readTree(r.body()));
            } catch (IOException e) {
                return Optional.empty();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }

        String role() {
            return health().map(h -> h.path("role").asText("")).orElse("");
        }

        List<JournalRecord> journal() throws IOException {
            Path file = recoveryDir.resolve(FileRecoveryJournal.JOURNAL_FILE_NAME);
            return Files.exists(file) ? FileRecoveryJournal.read(file) : List.of();
        }

        String describe() throws IOException {
            return "daemon " + id + " stdout:\n" + process.out() + "\nstderr (tail):\n" + tail(process.err());
        }
    }

    @BeforeEach
    void startClusterAndZooKeeper() throws Exception {
        zookeeper = ZooKeeperEnsemble.start(dir);
        cluster = new StandInCluster(dir, 3, -1);
        cluster.start();
    }

    @AfterEach
    void stopAll() throws Exception {
        for (Daemon d : daemons) {
            if (d.process != null) {
                d.process.close();
            }
            d.proxy.close();
        }
        cluster.close();
        zookeeper.close();
    }

    private List<Daemon> startDaemons(String... ids) throws IOException {
        List<Daemon> started = new ArrayList<>();
        for (String id : ids) {
            Daemon d = new Daemon(id);
            daemons.add(d);
            started.add(d);
        }
        for (Daemon d : started) {
            d.start();
        }
        return started;
    }

    private Path writeConfig(Daemon daemon) throws IOException {
        StringBuilder json = new StringBuilder("{\n  \"nodes\": [\n");
        for (int i = 1; i <= 3; i++) {
            NodeSpec n = cluster.node(i);
            Path scripts = SupervisionScripts.write(dir, n);
            json.append("    {\"id\": \"").append(n.id()).append("\", \"host\": \"127.0.0.1\", \"port\": ")
                    .append(n.port()).append(", \"data_dir\": \"").append(n.dataDir()).append("\", ")
                    .append(SupervisionScripts.superviseJson(scripts, 20)).append('}').append(i < 3 ? "," : "")
                    .append('\n');
        }
        json.append("  ],\n  \"recovery_dir\": \"").append(daemon.recoveryDir).append("\",\n")
                .append("  \"recovery_options\": ").append(OPTIONS).append(",\n")
                .append("  \"metrics\": {\"listen\": \"127.0.0.1:").append(daemon.metricsPort).append("\"},\n")
                .append("  \"coordination\": {\"connect\": \"").append(daemon.proxy.address())
                .append("\", \"base_path\": \"/coordinator-recovery/it\", \"session_timeout\": ")
                .append(SESSION_SECONDS).append(", \"connection_timeout\": 2, \"instance_id\": \"").append(daemon.id)
                .append("\"}\n}\n");
        return Files.writeString(dir.resolve("cluster-" + daemon.id + ".json"), json);
    }

    /** Waits until exactly one daemon of {@code group} says it is active, and returns it. */
    private Daemon awaitOneActive(List<Daemon> group) {
        List<Daemon> active = new ArrayList<>();
        try {
            await("one active daemon of " + group.size()).atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100)).until(() -> {
                    active.clear();
                    int answering = 0;
                    for (Daemon d : group) {
                        String role = d.role();
                        answering += role.isEmpty() ? 0 : 1;
                        if (role.equals("active")) {
                            active.add(d);
                        }
                    }
                    return answering == group.size() && active.size() == 1;
                });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            StringBuilder what = new StringBuilder(e.getMessage());
            for (Daemon d : group) {
                try {
                    what.append("\n").append(d.describe());
                } catch (IOException unreadable) {
                    what.append("\n").append(d.id).append(": output unreadable: ").append(unreadable);
                }
            }
            throw new AssertionError(what.toString(), e);
        }
        return active.get(0);
    }

    /** Waits until {@code daemon} says it has {@code role}; the failure shows every daemon's output. */
    private void awaitRole(Daemon daemon, String role, Duration limit) throws IOException {
        try {
            await(daemon.id + " is " + role).atMost(limit).pollInterval(Duration.ofMillis(100))
                    .until(() -> daemon.role().equals(role));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            StringBuilder what = new StringBuilder(e.getMessage());
            for (Daemon d : daemons) {
                what.append("\n").append(d.describe()).append("\nhealth: ").append(d.health());
            }
            throw new AssertionError(what.toString(), e);
        }
    }

    /** Restarts (start or restart) of node {@code id} carried out, across the journals of {@code group}. */
    private static List<JournalRecord> restartsOf(String id, List<Daemon> group) throws IOException {
        List<JournalRecord> all = new ArrayList<>();
        for (Daemon d : group) {
            d.journal().stream().filter(r -> r.action().equals("restart_node") || r.action().equals("start_node"))
                    .filter(r -> id.equals(r.details().get("node_id")))
                    .filter(r -> "done".equals(r.details().get("outcome")) || "failed".equals(r.details().get("outcome")))
                    .forEach(all::add);
        }
        return all;
    }

    private static Optional<JournalRecord> lastRoleChange(Daemon d, String role) throws IOException {
        return d.journal().stream().filter(r -> r.action().equals("role_changed"))
                .filter(r -> role.equals(r.details().get("role"))).reduce((a, b) -> b);
    }

    private static long epoch(JournalRecord roleChanged) {
        return ((Number) roleChanged.details().get("epoch")).longValue();
    }

    private void awaitRestarted(int node, long killedPid, List<Daemon> group) {
        await("node-" + node + " restarted").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .ignoreExceptions().until(() -> {
                    long pid = cluster.pid(node);
                    return pid != killedPid && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
                });
    }

    @Test
    void aStandbyTakesOverFromAKilledActiveDaemonAndRestartsTheCrashedNodeOnce() throws Exception {
        List<Daemon> group = startDaemons("recovery-a", "recovery-b", "recovery-c");
        Daemon first = awaitOneActive(group);
        long firstEpoch = epoch(lastRoleChange(first, "active").orElseThrow());

        // the active daemon's host dies, and a node crashes while nobody acts
        Instant killedAt = Instant.now();
        first.process.crash();
        long killed = cluster.kill(2);

        List<Daemon> standbys = group.stream().filter(d -> d != first).toList();
        Daemon second = awaitOneActive(standbys);
        awaitRestarted(2, killed, group);

        JournalRecord tookOver = lastRoleChange(second, "active").orElseThrow();
        assertThat(epoch(tookOver)).isGreaterThan(firstEpoch);
        Duration takeover = Duration.between(killedAt, tookOver.timestamp());
        assertThat(takeover).as("takeover after the active daemon was killed").isLessThan(TAKEOVER_LIMIT);
        assertThat(restartsOf("node-2", group)).as("restarts of node-2 in every journal").singleElement()
                .satisfies(r -> assertThat(r.details()).containsEntry("instance", second.id)
                        .containsEntry("role", "active").containsEntry("epoch", epoch(tookOver)));
        // the standbys saw the crash and acted on nothing while they stood by
        for (Daemon d : standbys) {
            assertThat(d.journal()).filteredOn(r -> "standby".equals(r.details().get("role")))
                    .extracting(JournalRecord::action).doesNotContain("restart_node", "start_node");
        }
        System.out.printf("takeover after SIGKILL of the active daemon: %d ms (session timeout %d s, interval %d s)%n",
                takeover.toMillis(), SESSION_SECONDS, INTERVAL_SECONDS);
    }

    @Test
    void anActiveCutOffFromZooKeeperStopsActingAndItsLateRequestIsRefusedByTheNode() throws Exception {
        List<Daemon> group = startDaemons("recovery-a", "recovery-b");
        Daemon first = awaitOneActive(group);
        Daemon other = group.stream().filter(d -> d != first).findFirst().orElseThrow();
        long oldEpoch = epoch(lastRoleChange(first, "active").orElseThrow());

        // when the active daemon is cut off from every ZooKeeper server
        Instant cutAt = Instant.now();
        first.proxy.cut();
        // it stops acting before its session can expire
        awaitRole(first, "standby", Duration.ofSeconds(SESSION_SECONDS));
        assertThat(first.health().orElseThrow().path("role_reason").asText()).contains("unreachable");
        long killed = cluster.kill(2);

        // the other one takes over and recovers the node
        awaitRole(other, "active", Duration.ofSeconds(60));
        awaitRestarted(2, killed, group);
        long newEpoch = epoch(lastRoleChange(other, "active").orElseThrow());
        assertThat(newEpoch).isGreaterThan(oldEpoch);
        assertThat(restartsOf("node-2", List.of(first))).as("restarts by the cut-off daemon").isEmpty();
        assertThat(restartsOf("node-2", List.of(other))).singleElement();
        assertThat(first.journal()).filteredOn(r -> r.timestamp().isAfter(cutAt))
                .filteredOn(r -> "node-2".equals(r.details().get("node_id"))
                        || r.details().getOrDefault("node_ids", List.of()).toString().contains("node-2"))
                .isNotEmpty().allSatisfy(r -> assertThat(r.details()).containsEntry("role", "standby"));

        // a request the old active daemon sends late carries its old epoch: every node refuses it
        await("the new active daemon fenced node-1").atMost(Duration.ofSeconds(30))
                .until(() -> Files.exists(cluster.node(1).dataDir().resolve("fencing-epoch"))
                        && Long.parseLong(Files.readString(cluster.node(1).dataDir().resolve("fencing-epoch"))
                        .strip()) == newEpoch);
        try (HttpNodeControl late = HttpNodeControl.builder().nodes(cluster.nodes).epoch(() -> oldEpoch).build()) {
            ActionResult refused = late.fence(cluster.node(1).id());
            assertThat(HttpNodeControl.refusedAsStale(refused)).as("%s", refused).isTrue();
            assertThat(refused.detail()).contains("epoch " + oldEpoch, "epoch " + newEpoch);
        }
    }

    @Test
    void aCrashLoopAcrossATakeoverStillEndsInQuarantineAfterMaxRestartAttemptsInTotal() throws Exception {
        List<Daemon> group = startDaemons("recovery-a", "recovery-b");
        Daemon first = awaitOneActive(group);
        Daemon other = group.stream().filter(d -> d != first).findFirst().orElseThrow();
        // node-2 dies and cannot start again
        cluster.refuseToStart(2, "stand-in refuses to start (test)");
        cluster.kill(2);
        await("two attempts by the first active daemon").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100)).until(() -> restartsOf("node-2", List.of(first)).size() >= 2);

        first.process.crash();

        await("node-2 quarantined by the second").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                .until(() -> other.journal().stream().anyMatch(r -> r.action().equals("node_quarantined")));
        List<JournalRecord> attempts = restartsOf("node-2", group);
        assertThat(attempts).as("restart attempts across both journals:%n%s", attempts).hasSize(4);
        assertThat(other.health().orElseThrow().path("role").asText()).isEqualTo("active");
        assertThat(restartsOf("node-2", List.of(other))).as("the second goes on from the first's attempts")
                .hasSize(4 - restartsOf("node-2", List.of(first)).size());
    }

    @Test
    void withZooKeeperDownEntirelyNobodyActsAndEveryDaemonReports() throws Exception {
        List<Daemon> group = startDaemons("recovery-a", "recovery-b");
        awaitOneActive(group);

        zookeeper.stop();
        await("every daemon stands by").atMost(Duration.ofSeconds(SESSION_SECONDS + 2))
                .pollInterval(Duration.ofMillis(100)).until(() -> group.stream().allMatch(d -> d.role()
                        .equals("standby")));
        long killed = cluster.kill(2);

        // every daemon detects and reports the crash
        await("every daemon reports the crash").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    for (Daemon d : group) {
                        if (!detected(d, "process_crash:node-2")) {
                            return false;
                        }
                    }
                    return true;
                });
        // and several cycles later nobody has acted
        long[] cycles = group.stream().mapToLong(d -> d.health().orElseThrow().path("cycles").asLong()).toArray();
        await("five more cycles").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    for (int i = 0; i < group.size(); i++) {
                        if (group.get(i).health().orElseThrow().path("cycles").asLong() < cycles[i] + 5) {
                            return false;
                        }
                    }
                    return true;
                });
        assertThat(restartsOf("node-2", group)).isEmpty();
        assertThat(ProcessHandle.of(killed).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        for (Daemon d : group) {
            assertThat(d.health().orElseThrow().path("role_reason").asText()).contains("unreachable");
        }
    }

    @Test
    void takeoverTimeMedianOfFive() throws Exception {
        List<Daemon> group = startDaemons("recovery-a", "recovery-b");
        List<Long> millis = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            Daemon active = awaitOneActive(group);
            Daemon standby = group.stream().filter(d -> d != active).findFirst().orElseThrow();
            Instant killedAt = Instant.now();
            active.process.crash();
            await("takeover " + (round + 1)).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                    .until(() -> standby.role().equals("active"));
            Instant took = lastRoleChange(standby, "active").orElseThrow().timestamp();
            millis.add(Duration.between(killedAt, took).toMillis());
            active.start(); // the host comes back: a standby again
        }
        List<Long> sorted = millis.stream().sorted(Comparator.naturalOrder()).toList();
        System.out.println("takeover after SIGKILL of the active daemon, 5 rounds (ms): " + millis + "; median "
                + sorted.get(2) + " ms (session timeout " + SESSION_SECONDS + " s, interval " + INTERVAL_SECONDS
                + " s)");
        assertThat(sorted.get(2)).as("median takeover in ms of %s", millis).isLessThan(TAKEOVER_LIMIT.toMillis());
    }

    private static boolean detected(Daemon d, String failureId) throws IOException {
        return d.journal().stream().anyMatch(r -> r.action().equals("failure_detected")
                && failureId.equals(r.details().get("failure_id")));
    }

    private static String tail(String text) {
        List<String> lines = text.lines().toList();
        return lines.subList(Math.max(0, lines.size() - 40), lines.size()).stream().collect(Collectors.joining("\n"));
    }
}
