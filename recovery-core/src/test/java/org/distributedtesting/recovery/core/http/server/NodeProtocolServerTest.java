package org.distributedtesting.recovery.core.http.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.distributedtesting.recovery.IntegrityCheck;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.Operation;
import org.distributedtesting.recovery.Resources;
import org.distributedtesting.recovery.Role;
import org.distributedtesting.recovery.StateChecksum;
import org.distributedtesting.recovery.core.http.RawRequests;
import org.distributedtesting.recovery.core.http.client.HttpNodeProbe;
import org.distributedtesting.recovery.core.http.server.NodeProtocolServer;
import org.junit.jupiter.api.Test;

class NodeProtocolServerTest {

    private static final NodeId NODE = NodeId.of("node-1");

    @Test
    void servesTheHostsCurrentStatusToTheProbe() throws Exception {
        AtomicReference<NodeStatus> current = new AtomicReference<>(
                NodeStatus.builder().role(Role.FOLLOWER).term(3).appliedIndex(7).build());
        try (NodeProtocolServer server = NodeProtocolServer.builder(NODE, current::get).start();
             HttpNodeProbe probe = HttpNodeProbe.builder().build()) {
            NodeSpec spec = NodeSpec.of("node-1", "127.0.0.1", server.port(), Path.of("/tmp"));
            assertThat(probe.probe(spec, Duration.ofSeconds(2))).isEqualTo(current.get());

            current.set(current.get().toBuilder().role(Role.LEADER).term(4).build());
            assertThat(probe.probe(spec, Duration.ofSeconds(2)).role()).isEqualTo(Role.LEADER);
        }
    }

    @Test
    void aFailingStatusSupplierIsA500NotACrash() throws Exception {
        try (NodeProtocolServer server = NodeProtocolServer.builder(NODE, () -> {
            throw new IllegalStateException("db locked");
        }).start(); HttpNodeProbe probe = HttpNodeProbe.builder().build()) {
            NodeSpec spec = NodeSpec.of("node-1", "127.0.0.1", server.port(), Path.of("/tmp"));
            assertThatThrownBy(() -> probe.probe(spec, Duration.ofSeconds(2))).hasMessageContaining("500");
        }
    }

    @Test
    void onlyGetIsAllowed() throws Exception {
        try (NodeProtocolServer server = NodeProtocolServer.builder(NODE, () -> NodeStatus.builder().build())
                .start()) {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/api/status"))
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(405);
        }
    }

    @Test
    void healthPathsServeTheirPartOfTheStatus() throws Exception {
        // Given a host reporting integrity checks, a checksum, operations and resources
        NodeStatus status = NodeStatus.builder().role(Role.LEADER).term(3)
                .database(IntegrityCheck.OK).log(IntegrityCheck.failed("checksum mismatch at 42"))
                .stateChecksum(new StateChecksum("9f2c", 42))
                .operations(List.of(new Operation("op-1", "apply", Instant.parse("2026-11-26T06:39:15Z"))))
                .queueDepth(3)
                .resources(new Resources(0.5, 100, 200, 10, 20, 7, 1024))
                .build();
        try (NodeProtocolServer server = NodeProtocolServer.builder(NODE, () -> status).start()) {
            RawRequests http = new RawRequests(server.port());

            // When each health path is read without a token, Then each shows its part
            assertThat(http.get("/api/health/db", null).body())
                    .isEqualTo("{\"node_id\":\"node-1\",\"status\":\"ok\",\"detail\":\"" + IntegrityCheck.OK.detail()
                            + "\"}");
            assertThat(http.get("/api/health/log", null).body()).isEqualTo(
                    "{\"node_id\":\"node-1\",\"status\":\"failed\",\"detail\":\"checksum mismatch at 42\"}");
            assertThat(http.get("/api/health/state_checksum", null).body())
                    .isEqualTo("{\"node_id\":\"node-1\",\"value\":\"9f2c\",\"index\":42}");
            assertThat(http.get("/api/health/operations", null).body()).isEqualTo("{\"node_id\":\"node-1\","
                    + "\"operations\":[{\"id\":\"op-1\",\"kind\":\"apply\",\"started_at\":\"2026-11-26T06:39:15Z\"}],"
                    + "\"queue_depth\":3}");
            assertThat(http.get("/api/health/resources", null).body()).isEqualTo("{\"node_id\":\"node-1\","
                    + "\"cpu_load\":0.5,\"memory_used\":100,\"memory_limit\":200,\"disk_used\":10,\"disk_limit\":20,"
                    + "\"open_files\":7,\"file_limit\":1024}");
        }
    }

    @Test
    void theChecksumPathOfANodeWithoutAChecksumNamesOnlyTheNode() throws Exception {
        try (NodeProtocolServer server = NodeProtocolServer.builder(NODE, () -> NodeStatus.builder().build())
                .start()) {
            HttpResponse<String> response = new RawRequests(server.port()).get("/api/health/state_checksum", null);

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("{\"node_id\":\"node-1\"}");
        }
    }

    @Test
    void aFailingStatusSupplierIsA500OnHealthPathsToo() throws Exception {
        try (NodeProtocolServer server = NodeProtocolServer.builder(NODE, () -> {
            throw new IllegalStateException("db locked");
        }).start()) {
            assertThat(new RawRequests(server.port()).get("/api/health/db", null).statusCode()).isEqualTo(500);
        }
    }

    @Test
    void bindsLoopbackByDefault() throws Exception {
        try (NodeProtocolServer server = NodeProtocolServer.builder(NODE, () -> NodeStatus.builder().build())
                .start()) {
            assertThat(server.port()).isPositive();
            assertThatThrownBy(() -> NodeProtocolServer.builder(NODE, NodeStatus.builder()::build).port(70_000))
                    .hasMessage("port must be in 0..65535, but was 70000");
        }
    }
}
