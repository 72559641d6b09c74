package org.distributedtesting.recovery.core.http.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.distributedtesting.recovery.core.http.StatusServer.utf8;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.core.http.StatusServer;
import org.distributedtesting.recovery.core.http.server.NodeProtocolServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fencing epoch of {@link HttpNodeControl}: the header it sends, a node's refusal of a stale one, and
 * {@link HttpNodeControl#fence}.
 */
class HttpNodeControlFencingTest {

    private static final NodeId NODE = NodeId.of("node-1");
    private static final String TOKEN = "fencing-client-token-77";
    private static final Action VOTER = new Action.SetVoter(NODE, false);

    private NodeProtocolServer server;

    @BeforeEach
    void startNode() throws Exception {
        server = NodeProtocolServer.builder(NODE, () -> NodeStatus.builder().build())
                .control(action -> ActionResult.Done.of(action.name() + " done"))
                .token(() -> TOKEN)
                .start();
    }

    @AfterEach
    void stopNode() {
        server.close();
    }

    @Test
    void sendsTheEpochAsAHeaderAskedForAtEachRequest() throws Exception {
        // Given a node that records the header, and a daemon whose epoch changes between requests
        List<String> seen = new CopyOnWriteArrayList<>();
        AtomicLong epoch = new AtomicLong(4);
        try (StatusServer recording = StatusServer.start(exchange -> {
            seen.add(String.valueOf(exchange.getRequestHeaders().getFirst("Recovery-Epoch")));
            StatusServer.respond(exchange, 200, utf8("{\"outcome\":\"done\",\"detail\":\"ok\"}"));
        }); HttpNodeControl control = control(recording.node("node-1"), epoch::get)) {
            // When
            control.execute(VOTER);
            epoch.set(9);
            control.execute(VOTER);
            epoch.set(0);
            control.execute(VOTER);
            epoch.set(-3);
            control.execute(VOTER);

            // Then a positive epoch is sent as it is then, none otherwise
            assertThat(seen).containsExactly("4", "9", "null", "null");
        }
    }

    @Test
    void aNodeFencedAtAHigherEpochRefusesTheActionAsStale() throws Exception {
        // Given a node that a newer daemon, at epoch 5, has controlled
        try (HttpNodeControl newer = control(node(), () -> 5);
             HttpNodeControl older = control(node(), () -> 3)) {
            assertThat(newer.execute(VOTER)).isEqualTo(ActionResult.Done.of("demote_to_non_voter done"));

            // When the older daemon, at epoch 3, sends an action
            ActionResult result = older.execute(VOTER);

            // Then it fails, saying both epochs, and the engine can tell it from other failures
            assertThat(result).isEqualTo(new ActionResult.Failed("node refused a stale fencing epoch: this daemon"
                    + " sent epoch 3, and 'node-1' has accepted epoch 5 from a newer recovery daemon (POST"
                    + " /api/control/voter)"));
            assertThat(HttpNodeControl.refusedAsStale(result)).isTrue();
        }
    }

    @Test
    void aDaemonWithoutEpochIsRefusedAsStaleByAFencedNode() throws Exception {
        // Given a node fenced at epoch 2
        try (HttpNodeControl fencing = control(node(), () -> 2);
             HttpNodeControl uncoordinated = control(node(), () -> 0)) {
            fencing.execute(VOTER);

            // When a daemon without coordination sends an action
            ActionResult result = uncoordinated.execute(VOTER);

            // Then
            assertThat(result).isEqualTo(new ActionResult.Failed("node refused a stale fencing epoch: this daemon"
                    + " sent none, and 'node-1' has accepted epoch 2 from a newer recovery daemon (POST"
                    + " /api/control/voter)"));
            assertThat(HttpNodeControl.refusedAsStale(result)).isTrue();
        }
    }

    @Test
    void withoutEpochAnUnfencedNodeActsAsBefore() throws Exception {
        try (HttpNodeControl control = HttpNodeControl.builder().nodes(List.of(node())).token(() -> TOKEN)
                .deadline(Duration.ofSeconds(5)).build()) {
            assertThat(control.execute(VOTER)).isEqualTo(ActionResult.Done.of("demote_to_non_voter done"));
            assertThat(server.fencingEpoch()).isZero();
        }
    }

    @Test
    void aRefusalWithoutANumberStillCountsAsStale() throws Exception {
        // Given a node in another language whose refusal gives no usable number
        try (StatusServer foreign = StatusServer.answering(409,
                utf8("{\"error\":\"stale\",\"fenced_epoch\":\"many\"}"));
             HttpNodeControl control = control(foreign.node("node-1"), () -> 1)) {
            // When
            ActionResult result = control.execute(VOTER);

            // Then
            assertThat(result).isEqualTo(new ActionResult.Failed("node refused a stale fencing epoch: this daemon"
                    + " sent epoch 1, and 'node-1' has accepted a higher epoch from a newer recovery daemon (POST"
                    + " /api/control/voter)"));
        }
    }

    @Test
    void anotherConflictIsNotTakenForFencing() throws Exception {
        // Given a node that is node-9 where the daemon expects node-1
        try (NodeProtocolServer other = NodeProtocolServer.builder(NodeId.of("node-9"),
                () -> NodeStatus.builder().build()).control(action -> ActionResult.Done.of("ok"))
                .token(() -> TOKEN).start();
             HttpNodeControl control = control(NodeSpec.of("node-1", "127.0.0.1", other.port(),
                     Path.of("/srv/node-1")), () -> 1)) {
            // When
            ActionResult result = control.execute(VOTER);

            // Then
            assertThat(result).isEqualTo(new ActionResult.Failed("POST /api/control/voter failed: node answered"
                    + " HTTP 409: this is node 'node-9', not 'node-1'"));
            assertThat(HttpNodeControl.refusedAsStale(result)).isFalse();
        }
    }

    @Test
    void anEpochSupplierThatFailsIsAFailedResult() throws Exception {
        try (HttpNodeControl control = control(node(), () -> {
            throw new IllegalStateException("no lease");
        })) {
            assertThat(control.execute(VOTER)).isEqualTo(new ActionResult.Failed("cannot read the fencing epoch:"
                    + " no lease"));
        }
    }

    @Test
    void onlyFailuresCanBeStale() {
        assertThat(HttpNodeControl.refusedAsStale(ActionResult.Done.of("node refused a stale fencing epoch")))
                .isFalse();
        assertThat(HttpNodeControl.refusedAsStale(new ActionResult.Failed("not the leader"))).isFalse();
    }

    @Test
    void fenceRaisesTheNodesEpochAndAnswersDoneWithIt() throws Exception {
        // Given a daemon that became active at epoch 6
        try (HttpNodeControl control = control(node(), () -> 6)) {
            // When
            ActionResult result = control.fence(NODE);

            // Then the node is fenced, and nothing else was asked of it
            assertThat(result.done()).isTrue();
            assertThat(result.detail()).isEqualTo("fenced at epoch 6");
            assertThat(((ActionResult.Done) result).data()).containsOnlyKeys("epoch");
            assertThat(((Number) ((ActionResult.Done) result).data().get("epoch")).longValue()).isEqualTo(6);
            assertThat(server.fencingEpoch()).isEqualTo(6);
        }
    }

    @Test
    void fenceSendsTheEpochAndTheNodeId() throws Exception {
        // Given a node that records what it is sent
        List<String> seen = new CopyOnWriteArrayList<>();
        try (StatusServer recording = StatusServer.start(exchange -> {
            seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " "
                    + exchange.getRequestHeaders().getFirst("Recovery-Epoch") + " "
                    + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            StatusServer.respond(exchange, 200, utf8("{\"outcome\":\"done\",\"detail\":\"fenced at epoch 8\"}"));
        }); HttpNodeControl control = control(recording.node("node-1"), () -> 8)) {
            // When
            control.fence(NODE);

            // Then
            assertThat(seen).containsExactly("POST /api/control/fence 8 {\"node_id\":\"node-1\"}");
        }
    }

    @Test
    void fenceWithoutAnEpochFailsWithoutARequest() throws Exception {
        // Given a daemon without coordination, and a node that records requests
        List<String> seen = new CopyOnWriteArrayList<>();
        try (StatusServer recording = StatusServer.start(exchange -> {
            seen.add(exchange.getRequestURI().getPath());
            StatusServer.respond(exchange, 200, utf8("{\"outcome\":\"done\",\"detail\":\"ok\"}"));
        }); HttpNodeControl control = control(recording.node("node-1"), () -> 0)) {
            // When
            ActionResult result = control.fence(NODE);

            // Then
            assertThat(result).isEqualTo(new ActionResult.Failed("no fencing epoch to send"));
            assertThat(HttpNodeControl.refusedAsStale(result)).isFalse();
            assertThat(seen).isEmpty();
        }
    }

    @Test
    void fenceAtAnEpochOlderThanTheNodesIsRefusedAsStale() throws Exception {
        // Given a node a newer daemon, at epoch 5, has fenced
        try (HttpNodeControl newer = control(node(), () -> 5);
             HttpNodeControl older = control(node(), () -> 3)) {
            assertThat(newer.fence(NODE).done()).isTrue();

            // When the older daemon fences it at epoch 3
            ActionResult result = older.fence(NODE);

            // Then
            assertThat(result).isEqualTo(new ActionResult.Failed("node refused a stale fencing epoch: this daemon"
                    + " sent epoch 3, and 'node-1' has accepted epoch 5 from a newer recovery daemon (POST"
                    + " /api/control/fence)"));
            assertThat(HttpNodeControl.refusedAsStale(result)).isTrue();
            assertThat(server.fencingEpoch()).isEqualTo(5);
        }
    }

    @Test
    void fenceOfAnUnreachableNodeFailsSayingWhy() throws Exception {
        // Given a node whose port nobody listens on
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        try (HttpNodeControl control = control(NodeSpec.of("node-1", "127.0.0.1", port, Path.of("/srv/node-1")),
                () -> 4)) {
            // When
            ActionResult result = control.fence(NODE);

            // Then
            assertThat(result).isEqualTo(new ActionResult.Failed("POST /api/control/fence failed: connection"
                    + " refused"));
            assertThat(HttpNodeControl.refusedAsStale(result)).isFalse();
        }
    }

    @Test
    void fenceOfANodeTheControlDoesNotKnowIsAProgrammerError() {
        try (HttpNodeControl control = control(node(), () -> 4)) {
            assertThatThrownBy(() -> control.fence(NodeId.of("node-7")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("node 'node-7' is not one of the nodes [node-1] this control was built with");
        }
    }

    private NodeSpec node() {
        return NodeSpec.of("node-1", "127.0.0.1", server.port(), Path.of("/srv/node-1"));
    }

    private static HttpNodeControl control(NodeSpec node, LongSupplier epoch) {
        return HttpNodeControl.builder().nodes(List.of(node)).token(() -> TOKEN).epoch(epoch)
                .deadline(Duration.ofSeconds(5)).build();
    }
}
