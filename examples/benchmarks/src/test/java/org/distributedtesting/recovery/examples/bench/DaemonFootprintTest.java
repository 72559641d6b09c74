package org.distributedtesting.recovery.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.core.config.ConfigLoader;
import org.distributedtesting.recovery.core.config.ListenAddress;
import org.distributedtesting.recovery.core.config.RecoveryConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DaemonFootprintTest {

    @Test
    void readsTheCycleCountOfTheHealthPage() {
        // Given: /health as DaemonMonitoring writes it
        String health = "{\"status\":\"healthy\",\"healthy\":true,\"reason\":\"cycles complete on time\","
                + "\"seconds_since_last_cycle\":0.4,\"cycles\":17,\"interval_seconds\":1.0}";

        // Then
        assertThat(DaemonFootprint.cyclesOf(health)).hasValue(17);
        assertThat(DaemonFootprint.cyclesOf("{\"status\":\"starting\"}")).isEmpty();
    }

    @Test
    void writesAWatchOnlyConfigTheDaemonLoadsWithEveryStandIn(@TempDir Path dir) throws Exception {
        // Given
        try (StandInCluster cluster = StandInCluster.start(3, 2, Clock.systemUTC())) {
            Path file = dir.resolve("cluster.json");

            // When
            Files.writeString(file, DaemonFootprint.config(cluster, 9464, dir.resolve("recovery")));
            RecoveryConfig config = ConfigLoader.load(file);

            // Then
            assertThat(config.nodes()).extracting(NodeSpec::port).containsExactlyElementsOf(cluster.ports());
            assertThat(config.nodes()).allSatisfy(node -> {
                assertThat(node.startCommand()).isEmpty();
                assertThat(node.supervision()).isEmpty();
            });
            assertThat(config.metricsListen()).hasValue(new ListenAddress("127.0.0.1", 9464));
        }
    }

    @Test
    void standInsAnswerStatusAsAHealthyClusterLedByNodeOne() throws Exception {
        // Given
        try (StandInCluster cluster = StandInCluster.start(3, 2, Clock.systemUTC())) {
            // When
            String leader = get(cluster.ports().get(0));
            String follower = get(cluster.ports().get(2));

            // Then
            assertThat(leader).contains("\"node_id\":\"node-1\"").containsIgnoringCase("\"role\":\"leader\"");
            assertThat(follower).contains("\"node_id\":\"node-3\"").containsIgnoringCase("\"role\":\"follower\"")
                    .contains("\"node-1\":true", "\"node-2\":true").doesNotContain("\"node-3\":true");
        }
    }

    private static String get(int port) throws Exception {
        var connection = URI.create("http://127.0.0.1:" + port + "/api/status").toURL().openConnection();
        connection.setConnectTimeout(2_000);
        connection.setReadTimeout(5_000);
        try (var in = connection.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
