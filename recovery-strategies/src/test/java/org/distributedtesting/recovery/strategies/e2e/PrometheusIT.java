package org.distributedtesting.recovery.strategies.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.distributedtesting.recovery.strategies.monitor.MonitoringFiles;
import org.distributedtesting.recovery.strategies.monitor.PromQlMetricNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's metrics as an operator sees them: a real Prometheus (Debian's {@code prometheus} package) scrapes the
 * real daemon, which watches three real node processes; a node is killed and recovered, another can no longer start
 * and is quarantined, then starts again and is released; Prometheus' HTTP API shows each step, the shipped alert rules
 * (loaded into that Prometheus) fire on the escalation, the rules and the dashboard use only names the daemon exposes,
 * and {@code promtool check metrics} accepts what it exposes.
 */
class PrometheusIT {

    private static final String OPTIONS = "{\"confirmations\": 2, \"verify_interval\": 0.5, \"probe_timeout\": 1,"
            + " \"verify_timeout\": 20, \"backoff_initial\": 1, \"backoff_max\": 1, \"max_restart_attempts\": 2,"
            + " \"restart_cooldown\": 4, \"quarantine_retry_after\": 6, \"node_cooldown\": 1}";
    private static final String JOB = "coordinator-recovery";
    private static final Duration LIMIT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void prometheusSeesTheRecoveryTheTimeToRecoverAndTheQuarantineGoUpAndDown() throws Exception {
        Path prometheus = ToolServer.tool("prometheus", "prometheus");
        Path promtool = ToolServer.tool("promtool", "prometheus");
        int metricsPort = FreePorts.next();
        int prometheusPort = FreePorts.next();
        try (StandInCluster cluster = new StandInCluster(dir, 3, -1)) {
            cluster.start();
            Path config = cluster.writeConfig(OPTIONS, "\"metrics\": {\"listen\": \"127.0.0.1:" + metricsPort + "\"}");
            String metrics = "http://127.0.0.1:" + metricsPort;
            try (DaemonProcess daemon = DaemonProcess.start(dir, "--config", config.toString(), "--daemon",
                    "--interval", "1");
                 ToolServer prom = startPrometheus(prometheus, prometheusPort, metricsPort)) {
                // Given the daemon ready and healthy, and Prometheus scraping it
                await("the daemon is ready").atMost(LIMIT).ignoreExceptions()
                        .until(() -> get(metrics + "/ready").statusCode() == 200);
                HttpResponse<String> health = get(metrics + "/health");
                assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
                assertThat(JSON.readTree(health.body()).path("status").asText()).isEqualTo("ok");
                assertThat(daemon.out()).contains("metrics on " + metrics + "/metrics");
                String api = "http://127.0.0.1:" + prometheusPort;
                await("Prometheus has the daemon up; its log:\n" + prom.log()).atMost(LIMIT).ignoreExceptions()
                        .until(() -> value(api, "up{job=\"" + JOB + "\"}") == 1.0);

                // When a node is killed
                cluster.kill(2);
                // Then Prometheus sees its recovery counted and timed
                await("a verified process_crash recovery in Prometheus").atMost(LIMIT).ignoreExceptions()
                        .until(() -> value(api, "sum(coordinator_recovery_recoveries_total{type=\"process_crash\","
                                + "outcome=\"verified\"})") >= 1.0);
                assertThat(value(api, "sum(coordinator_recovery_time_to_recover_seconds_count"
                        + "{type=\"process_crash\"})")).isGreaterThanOrEqualTo(1.0);
                assertThat(value(api, "sum(coordinator_recovery_actions_total{action=\"restart_node\","
                        + "outcome=\"done\"})")).isGreaterThanOrEqualTo(1.0);
                assertThat(value(api, "coordinator_recovery_node_reachable{node=\"node-2\"}")).isEqualTo(1.0);

                // When another node can no longer start, it is quarantined
                cluster.refuseToStart(3, "cannot open the database: file is not a database");
                cluster.kill(3);
                await("node-3 quarantined in Prometheus; daemon out:\n" + daemon.out()).atMost(LIMIT)
                        .ignoreExceptions().until(() -> value(api, "coordinator_recovery_quarantined_nodes") == 1.0);
                assertThat(value(api, "sum(coordinator_recovery_escalations_total{type=\"process_crash\"})"))
                        .isEqualTo(1.0);
                assertThat(value(api, "coordinator_recovery_node_reachable{node=\"node-3\"}")).isZero();
                // and the shipped rule pages for it
                await("the escalation alert firing; rules:\n" + get(api + "/api/v1/rules").body()).atMost(LIMIT)
                        .ignoreExceptions().until(() -> value(api, "ALERTS{alertname=\"CoordinatorRecoveryEscalated\","
                                + "alertstate=\"firing\",type=\"process_crash\"}") == 1.0);

                // and once it can start again, the half-open attempt (after quarantine_retry_after) brings it back
                Files.delete(cluster.node(3).dataDir().resolve(StandInNode.REFUSE_TO_START));
                await("node-3 out of quarantine and up in Prometheus; daemon out:\n" + daemon.out()).atMost(LIMIT)
                        .ignoreExceptions().until(() -> value(api, "coordinator_recovery_quarantined_nodes") == 0.0
                                && value(api, "coordinator_recovery_node_reachable{node=\"node-3\"}") == 1.0);
                assertThat(value(api, "max_over_time(coordinator_recovery_quarantined_nodes[10m])")).isEqualTo(1.0);
                assertThat(value(api, "sum(coordinator_recovery_recoveries_total{type=\"process_crash\","
                        + "outcome=\"verified\"})")).as("the half-open attempt verified too").isEqualTo(2.0);

                // and the rules and the dashboard name only what the daemon exposes
                String scrape = get(metrics + "/metrics").body();
                assertThat(PromQlMetricNames.unknownNames(scrape)).as("names the rules and the dashboard use that the"
                        + " daemon does not expose, with where they are used").isEmpty();
                // and promtool accepts what the daemon exposes
                Process check = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true)
                        .start();
                check.getOutputStream().write(scrape.getBytes(StandardCharsets.UTF_8));
                check.getOutputStream().close();
                String said = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(check.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(check.exitValue()).as("promtool check metrics said:%n%s", said).isZero();

                // and the health check says when the daemon stops
                daemon.process.destroy();
                daemon.exitCode(Duration.ofSeconds(30));
                assertThat(daemon.out()).contains("stopped");
            }
        }
    }

    /** The value of a PromQL expression that yields one sample; fails when it yields none or several. */
    private double value(String api, String promql) throws IOException, InterruptedException {
        HttpResponse<String> answer = get(api + "/api/v1/query?query="
                + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        JsonNode body = JSON.readTree(answer.body());
        assertThat(body.path("status").asText()).as(answer.body()).isEqualTo("success");
        JsonNode result = body.path("data").path("result");
        assertThat(result.size()).as("%s gave %s", promql, answer.body()).isEqualTo(1);
        return Double.parseDouble(result.get(0).path("value").get(1).asText());
    }

    private HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private ToolServer startPrometheus(Path prometheus, int port, int metricsPort) throws IOException {
        Path config = Files.writeString(dir.resolve("prometheus.yml"), String.join("\n",
                "global:",
                "  scrape_interval: 1s",
                "  evaluation_interval: 1s",
                "rule_files:",
                "  - '" + MonitoringFiles.rules().toAbsolutePath() + "'",
                "scrape_configs:",
                "  - job_name: " + JOB,
                "    static_configs:",
                "      - targets: ['127.0.0.1:" + metricsPort + "']",
                ""));
        Path log = dir.resolve("prometheus.log");
        return ToolServer.start(List.of(prometheus.toString(), "--config.file=" + config, "--storage.tsdb.path="
                + dir.resolve("prometheus-data"), "--web.listen-address=127.0.0.1:" + port), log);
    }
}
