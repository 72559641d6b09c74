package org.distributedtesting.recovery.strategies.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Notifications as an operator gets them: the real daemon watching three real node processes sends to a real
 * Alertmanager (Debian's {@code prometheus-alertmanager}), which routes to a webhook receiver in this test. A node that
 * can no longer start is escalated: the alert shows in Alertmanager's {@code GET /api/v2/alerts} with its labels and
 * reaches the receiver; once the node can start again its half-open attempt recovers it, and the alert is resolved
 * in Alertmanager and at the receiver. {@code --test-alerts} reports the same Alertmanager as accepting.
 */
class AlertmanagerIT {

    private static final String OPTIONS = "{\"confirmations\": 2, \"verify_interval\": 0.5, \"probe_timeout\": 1,"
            + " \"verify_timeout\": 20, \"backoff_initial\": 1, \"backoff_max\": 1, \"max_restart_attempts\": 2,"
            + " \"restart_cooldown\": 4, \"quarantine_retry_after\": 6, \"node_cooldown\": 1}";
    private static final Duration LIMIT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ESCALATED = "CoordinatorRecoveryEscalated";

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<JsonNode> received = new CopyOnWriteArrayList<>();

    @Test
    void anEscalationReachesAlertmanagerAndItsReceiverAndIsResolvedWhenTheNodeRecovers() throws Exception {
        Path alertmanager = ToolServer.tool("prometheus-alertmanager", "prometheus-alertmanager");
        int amPort = FreePorts.next();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", FreePorts.next()), 16);
        receiver.createContext("/hook", exchange -> {
            received.add(JSON.readTree(exchange.getRequestBody().readAllBytes()));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        try (StandInCluster cluster = new StandInCluster(dir, 3, -1);
             ToolServer am = startAlertmanager(alertmanager, amPort, receiver.getAddress().getPort())) {
            cluster.start();
            String amUrl = "http://127.0.0.1:" + amPort;
            await("Alertmanager ready; its log:\n" + am.log()).atMost(LIMIT).ignoreExceptions()
                    .until(() -> get(amUrl + "/-/ready").statusCode() == 200);
            Path config = cluster.writeConfig(OPTIONS, "\"alerts\": {\"cluster\": \"it\", \"sinks\": [{\"type\":"
                    + " \"alertmanager\", \"urls\": [\"" + amUrl + "\"], \"events\": \"escalations\","
                    + " \"resend_interval\": 2}]}");

            // the wiring check first
            try (DaemonProcess test = DaemonProcess.start(dir, "--config", config.toString(), "--test-alerts")) {
                assertThat(test.exitCode(Duration.ofSeconds(60))).as(test.err()).isZero();
                assertThat(test.out()).contains("ok      alertmanager: test: HTTP 200",
                        "every sink accepted its test notification");
            }
            assertThat(active(amUrl, "CoordinatorRecoveryTest")).hasSize(1);

            try (DaemonProcess daemon = DaemonProcess.start(dir, "--config", config.toString(), "--daemon",
                    "--interval", "1")) {
                // Given a node that can no longer start
                cluster.refuseToStart(2, "cannot open the database: file is not a database");
                cluster.kill(2);

                // Then its escalation is an alert in Alertmanager, with its labels, and reaches the receiver
                await("the escalation in Alertmanager; daemon out:\n" + daemon.out()).atMost(LIMIT)
                        .ignoreExceptions().until(() -> active(amUrl, ESCALATED).size() == 1);
                JsonNode alert = active(amUrl, ESCALATED).get(0);
                assertThat(alert.path("labels").path("alertname").asText()).isEqualTo("CoordinatorRecoveryEscalated");
                assertThat(alert.path("labels").path("cluster").asText()).isEqualTo("it");
                assertThat(alert.path("labels").path("node").asText()).isEqualTo("node-2");
                assertThat(alert.path("labels").path("failure_type").asText()).isEqualTo("process_crash");
                assertThat(alert.path("labels").path("failure_id").asText()).isEqualTo("process_crash:node-2");
                assertThat(alert.path("annotations").path("escalated").asText()).contains("max_restart_attempts");
                await("the receiver notified of the firing alert").atMost(LIMIT).until(() -> notified("firing"));

                // When it can start again, the half-open attempt recovers it, and the alert is resolved
                Files.delete(cluster.node(2).dataDir().resolve(StandInNode.REFUSE_TO_START));
                await("the alert resolved in Alertmanager; daemon out:\n" + daemon.out()).atMost(LIMIT)
                        .ignoreExceptions().until(() -> active(amUrl, ESCALATED).isEmpty());
                await("the receiver notified of the resolution").atMost(LIMIT).until(() -> notified("resolved"));
            }
        } finally {
            receiver.stop(0);
        }
    }

    /** Whether the receiver got a notification of this status about node-2's escalated crash. */
    private boolean notified(String status) {
        return received.stream().anyMatch(n -> n.path("status").asText().equals(status)
                && n.path("alerts").get(0).path("labels").path("failure_id").asText().equals("process_crash:node-2")
                && n.path("alerts").get(0).path("labels").path("alertname").asText().equals(ESCALATED));
    }

    /** The alerts of this name Alertmanager holds active (not resolved, not silenced). */
    private List<JsonNode> active(String amUrl, String alertname) throws IOException, InterruptedException {
        HttpResponse<String> answer = get(amUrl + "/api/v2/alerts?active=true&silenced=false&inhibited=false");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        List<JsonNode> alerts = new java.util.ArrayList<>();
        JSON.readTree(answer.body()).forEach(a -> {
            if (a.path("status").path("state").asText().equals("active")
                    && a.path("labels").path("alertname").asText().equals(alertname)) {
                alerts.add(a);
            }
        });
        return alerts;
    }

    private HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private ToolServer startAlertmanager(Path binary, int port, int receiverPort) throws IOException {
        Path config = Files.writeString(dir.resolve("alertmanager.yml"), String.join("\n",
                "route:",
                "  receiver: test",
                "  group_by: ['failure_id']",
                "  group_wait: 1s",
                "  group_interval: 1s",
                "  repeat_interval: 1h",
                "receivers:",
                "  - name: test",
                "    webhook_configs:",
                "      - url: 'http://127.0.0.1:" + receiverPort + "/hook'",
                "        send_resolved: true",
                ""));
        Path log = dir.resolve("alertmanager.log");
        return ToolServer.start(List.of(binary.toString(), "--config.file=" + config,
                "--storage.path=" + dir.resolve("alertmanager-data"), "--web.listen-address=127.0.0.1:" + port,
                "--cluster.listen-address="), log);
    }
}
