package org.distributedtesting.recovery.core.http.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.distributedtesting.recovery.core.http.StatusServer.utf8;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.distributedtesting.recovery.IntegrityCheck;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.Operation;
import org.distributedtesting.recovery.Resources;
import org.distributedtesting.recovery.Role;
import org.distributedtesting.recovery.StateChecksum;
import org.distributedtesting.recovery.core.http.ProtocolException;
import org.distributedtesting.recovery.core.http.codec.StatusJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class StatusJsonTest {

    private static final NodeId NODE_1 = NodeId.of("node-1");

    private static final String EXAMPLE = """
            {"node_id":"node-1","role":"follower","term":3,"leader_id":"node-2",
             "commit_index":10,"applied_index":9,"last_log_index":11,
             "state_checksum":{"value":"9f2c","index":9},"voter":true,
             "resources":{"cpu_load":0.12,"memory_used":1000,"memory_limit":4000,"disk_used":10,"disk_limit":100,
                          "open_files":12,"file_limit":1024},
             "operations":[{"id":"op-1","kind":"apply","started_at":"2026-11-26T06:39:15Z"}],"queue_depth":5,
             "integrity":{"database":{"status":"ok","detail":"integrity_check ok"},
                          "log":{"status":"failed","detail":"checksum mismatch at 42"}},
             "peers":{"node-2":true,"node-3":false},"elections_started":2}
            """;

    private static NodeStatus parse(String json) {
        return StatusJson.parse(NODE_1, utf8(json));
    }

    @Test
    void readsRaftStateOfTheExample() {
        NodeStatus status = parse(EXAMPLE);

        assertThat(status.role()).isEqualTo(Role.FOLLOWER);
        assertThat(status.term()).isEqualTo(3);
        assertThat(status.leader()).contains(NodeId.of("node-2"));
        assertThat(status.commitIndex()).isEqualTo(10);
        assertThat(status.appliedIndex()).isEqualTo(9);
        assertThat(status.lastLogIndex()).isEqualTo(11);
        assertThat(status.voter()).isTrue();
        assertThat(status.electionsStarted()).isEqualTo(2);
    }

    @Test
    void readsStateChecksumOfTheExample() {
        assertThat(parse(EXAMPLE).stateChecksum()).contains(new StateChecksum("9f2c", 9));
    }

    @Test
    void readsResourcesOfTheExample() {
        assertThat(parse(EXAMPLE).resources()).isEqualTo(new Resources(0.12, 1000, 4000, 10, 100, 12, 1024));
    }

    @Test
    void readsOperationsAndQueueDepthOfTheExample() {
        NodeStatus status = parse(EXAMPLE);

        assertThat(status.operations())
                .containsExactly(new Operation("op-1", "apply", Instant.parse("2026-11-26T06:39:15Z")));
        assertThat(status.queueDepth()).isEqualTo(5);
    }

    @Test
    void readsIntegrityVerdictsOfTheExample() {
        NodeStatus status = parse(EXAMPLE);

        assertThat(status.database()).isEqualTo(new IntegrityCheck(IntegrityCheck.Status.OK, "integrity_check ok"));
        assertThat(status.log()).isEqualTo(IntegrityCheck.failed("checksum mismatch at 42"));
    }

    @Test
    void readsPeerReachabilityOfTheExample() {
        assertThat(parse(EXAMPLE).peerReachability())
                .isEqualTo(Map.of(NodeId.of("node-2"), true, NodeId.of("node-3"), false));
    }

    @Test
    void keepsBuilderDefaultsForAnEmptyObject() {
        assertThat(parse("{}")).isEqualTo(NodeStatus.builder().build());
    }

    @Test
    void treatsNullMembersAsNotReported() {
        NodeStatus status = parse("{\"role\":null,\"term\":null,\"leader_id\":null,\"state_checksum\":null,"
                + "\"resources\":null,\"operations\":null,\"integrity\":{\"log\":null},\"peers\":null}");

        assertThat(status).isEqualTo(NodeStatus.builder().build());
    }

    @Test
    void keepsZeroForResourcesNotReported() {
        assertThat(parse("{\"resources\":{\"open_files\":7}}").resources())
                .isEqualTo(new Resources(0, 0, 0, 0, 0, 7, 0));
    }

    @Test
    void readsEmptyLeaderIdAsNoLeader() {
        assertThat(parse("{\"leader_id\":\"\"}").leader()).isEmpty();
    }

    @Test
    void acceptsAnswerWithoutNodeId() {
        assertThat(parse("{\"term\":4}").term()).isEqualTo(4);
    }

    @Test
    void acceptsMinusOneAsUnknownIndex() {
        assertThat(parse("{\"commit_index\":-1}").commitIndex()).isEqualTo(-1);
    }

    @Test
    void ignoresMembersItDoesNotKnow() {
        NodeStatus status = parse("{\"term\":4,\"raft_version\":\"3.3\",\"extra\":{\"nested\":[1,2]}}");

        assertThat(status).isEqualTo(NodeStatus.builder().term(4).build());
    }

    @ParameterizedTest
    @CsvSource({"leader, LEADER", "Follower, FOLLOWER", "CANDIDATE, CANDIDATE", "lEaRnEr, LEARNER"})
    void readsRoleIgnoringCase(String reported, Role expected) {
        assertThat(parse("{\"role\":\"" + reported + "\"}").role()).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"OK, OK, ok", "Failed, FAILED, no detail reported", "unknown, UNKNOWN, not checked"})
    void readsIntegrityStatusIgnoringCaseWithDefaultDetail(String reported, IntegrityCheck.Status expected,
                                                           String detail) {
        NodeStatus status = parse("{\"integrity\":{\"database\":{\"status\":\"" + reported + "\"}}}");

        assertThat(status.database()).isEqualTo(new IntegrityCheck(expected, detail));
        assertThat(status.log()).isEqualTo(IntegrityCheck.UNKNOWN);
    }

    @Test
    void writesWhatItReadsForTheExample() {
        NodeStatus status = parse(EXAMPLE);

        assertThat(StatusJson.parse(NODE_1, StatusJson.write(NODE_1, status))).isEqualTo(status);
    }

    @Test
    void writesDefaultStatusSoThatItReadsBackEqual() {
        NodeStatus status = NodeStatus.builder().build();

        assertThat(StatusJson.parse(NODE_1, StatusJson.write(NODE_1, status))).isEqualTo(status);
    }

    @Test
    void writesNodeIdAndLeavesOutWhatIsNotKnown() {
        String json = new String(StatusJson.write(NODE_1, NodeStatus.builder().build()), StandardCharsets.UTF_8);

        assertThat(json).contains("\"node_id\":\"node-1\"")
                .doesNotContain("\"role\"", "\"leader_id\"", "\"state_checksum\"");
    }

    @ParameterizedTest
    @MethodSource("randomStatuses")
    void roundTripsRandomStatuses(NodeStatus status) {
        assertThat(StatusJson.parse(NODE_1, StatusJson.write(NODE_1, status))).isEqualTo(status);
    }

    static Stream<NodeStatus> randomStatuses() {
        Random random = new Random(20261126L);
        return LongStream.range(0, 50).mapToObj(i -> randomStatus(random));
    }

    private static NodeStatus randomStatus(Random random) {
        Role[] roles = Role.values();
        IntegrityCheck.Status[] verdicts = IntegrityCheck.Status.values();
        List<Operation> operations = new ArrayList<>();
        for (int i = random.nextInt(3); i > 0; i--) {
            operations.add(new Operation("op-" + random.nextInt(1000), random.nextBoolean() ? "apply" : "snapshot",
                    Instant.ofEpochSecond(random.nextInt(2_000_000_000), random.nextInt(1_000_000_000))));
        }
        Map<NodeId, Boolean> peers = new TreeMap<>();
        for (int i = random.nextInt(4); i > 0; i--) {
            peers.put(NodeId.of("node-" + random.nextInt(9)), random.nextBoolean());
        }
        return NodeStatus.builder()
                .role(roles[random.nextInt(roles.length)])
                .term(random.nextInt(100) - 1)
                .leader(random.nextBoolean() ? NodeId.of("node-" + random.nextInt(9)) : null)
                .commitIndex(random.nextLong() >>> 1)
                .appliedIndex(random.nextInt(1000) - 1)
                .lastLogIndex(random.nextInt(1000) - 1)
                .stateChecksum(random.nextBoolean() ? new StateChecksum(Long.toHexString(random.nextLong()),
                        random.nextInt(1000)) : null)
                .voter(random.nextBoolean())
                .resources(new Resources(random.nextDouble() * 2, random.nextInt() & Integer.MAX_VALUE, random.nextInt(5000) + 5000L,
                        random.nextLong() >>> 1, random.nextLong() >>> 1, random.nextInt(100), 1024))
                .operations(operations)
                .queueDepth(random.nextInt(50) - 1)
                .database(new IntegrityCheck(verdicts[random.nextInt(verdicts.length)], "d\"é " + random.nextInt()))
                .log(new IntegrityCheck(verdicts[random.nextInt(verdicts.length)], ""))
                .peerReachability(peers)
                .electionsStarted(random.nextInt(10) - 1).electionsPaused(random.nextBoolean())
                .build();
    }

    @Test
    void controlCharactersAndBidiOverridesInANodesStringsArriveEscapedAndNodeIdsOutsideTheGrammarAreRejected() {
        NodeStatus status = StatusJson.parse(NodeId.of("node-1"), ("{\"integrity\":{\"database\":{\"status\":"
                + "\"failed\",\"detail\":\"bad\\u001b[31m\\nRECOVERED\\u202e\"}},\"operations\":[{\"id\":\"op\\r1\","
                + "\"kind\":\"apply\",\"started_at\":\"2026-11-26T06:39:15Z\"}]}").getBytes(StandardCharsets.UTF_8));

        assertThat(status.database().detail()).isEqualTo("bad\\u001b[31m\\u000aRECOVERED\\u202e");
        assertThat(status.operations().get(0).id()).isEqualTo("op\\u000d1");
        assertThatThrownBy(() -> StatusJson.parse(NodeId.of("node-1"),
                "{\"leader_id\":\"node-2\\n\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("leader_id must be a node id")
                .hasMessageNotContaining("\n");
        assertThatThrownBy(() -> StatusJson.parse(NodeId.of("node-1"),
                ("{\"peers\":{\"" + "n".repeat(65) + "\":true}}").getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("peers must be keyed by node ids");
    }
}
