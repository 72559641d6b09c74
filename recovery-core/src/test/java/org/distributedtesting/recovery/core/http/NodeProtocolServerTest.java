package org.distributedtesting.recovery.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.Role;
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
    void bindsLoopbackByDefault() throws Exception {
        try (NodeProtocolServer server = NodeProtocolServer.builder(NODE, () -> NodeStatus.builder().build())
                .start()) {
            assertThat(server.port()).isPositive();
            assertThatThrownBy(() -> NodeProtocolServer.builder(NODE, NodeStatus.builder()::build).port(70_000))
                    .hasMessage("port must be in 0..65535, but was 70000");
        }
    }
}
