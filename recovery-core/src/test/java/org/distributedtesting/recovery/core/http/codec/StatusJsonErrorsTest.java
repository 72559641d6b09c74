package org.distributedtesting.recovery.core.http.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.distributedtesting.recovery.core.http.StatusServer.utf8;

import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.core.http.ProtocolException;
import org.distributedtesting.recovery.core.http.codec.StatusJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class StatusJsonErrorsTest {

    private static final NodeId NODE_1 = NodeId.of("node-1");

    private static void assertRejected(String json, String message) {
        assertThatThrownBy(() -> StatusJson.parse(NODE_1, utf8(json)))
                .isInstanceOf(ProtocolException.class)
                .hasMessage(message);
    }

    @Test
    void rejectsAnswerFromAnotherNode() {
        assertRejected("{\"node_id\":\"node-2\",\"role\":\"leader\"}", "answered as node 'node-2', expected 'node-1'");
    }

    @Test
    void rejectsNodeIdThatIsNotAString() {
        assertRejected("{\"node_id\":1}", "node_id must be a string, but was 1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"unknown", "boss", "", "follower "})
    void rejectsRoleOutsideTheProtocol(String role) {
        assertRejected("{\"role\":\"" + role + "\"}",
                "role must be one of leader, follower, candidate, learner, but was \"" + role + "\"");
    }

    @Test
    void rejectsTermGivenAsString() {
        assertRejected("{\"term\":\"3\"}", "term must be an integer, but was \"3\"");
    }

    @Test
    void rejectsFractionalTerm() {
        assertRejected("{\"term\":3.5}", "term must be an integer, but was 3.5");
    }

    @Test
    void rejectsTermBeyondLongRange() {
        assertRejected("{\"term\":92233720368547758070}",
                "term must be an integer, but was 92233720368547758070");
    }

    @ParameterizedTest
    @ValueSource(strings = {"term", "commit_index", "applied_index", "last_log_index", "queue_depth",
        "elections_started"})
    void rejectsCountersBelowMinusOne(String field) {
        assertRejected("{\"" + field + "\":-2}", field + " must be >= -1, but was -2");
    }

    @Test
    void rejectsLeaderIdThatIsNotAString() {
        assertRejected("{\"leader_id\":2}", "leader_id must be a string, but was 2");
    }

    @Test
    void rejectsVoterThatIsNotABoolean() {
        assertRejected("{\"voter\":\"yes\"}", "voter must be a boolean, but was \"yes\"");
    }

    @Test
    void rejectsStateChecksumWithoutValue() {
        assertRejected("{\"state_checksum\":{\"index\":3}}", "state_checksum.value is missing");
    }

    @Test
    void rejectsStateChecksumWithNegativeIndex() {
        assertRejected("{\"state_checksum\":{\"value\":\"ab\",\"index\":-1}}",
                "state_checksum.index must be >= 0, but was -1");
    }

    @Test
    void rejectsStateChecksumThatIsNotAnObject() {
        assertRejected("{\"state_checksum\":\"9f2c\"}", "state_checksum must be an object, but was \"9f2c\"");
    }

    @Test
    void rejectsNegativeCpuLoad() {
        assertRejected("{\"resources\":{\"cpu_load\":-0.5}}",
                "resources.cpu_load must be a finite number >= 0, but was -0.5");
    }

    @Test
    void rejectsCpuLoadGivenAsString() {
        assertRejected("{\"resources\":{\"cpu_load\":\"high\"}}",
                "resources.cpu_load must be a number, but was \"high\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory_used", "memory_limit", "disk_used", "disk_limit", "open_files", "file_limit"})
    void rejectsNegativeResourceCounts(String field) {
        assertRejected("{\"resources\":{\"" + field + "\":-1}}", "resources." + field + " must be >= 0, but was -1");
    }

    @Test
    void rejectsOperationsThatAreNotAnArray() {
        assertRejected("{\"operations\":{}}", "operations must be an array, but was {}");
    }

    @Test
    void rejectsOperationWithoutId() {
        assertRejected("{\"operations\":[{\"kind\":\"apply\",\"started_at\":\"2026-11-26T06:39:15Z\"}]}",
                "operations[0].id is missing");
    }

    @Test
    void rejectsOperationWithUnreadableStartTime() {
        assertRejected("{\"operations\":[{\"id\":\"a\",\"kind\":\"apply\",\"started_at\":\"2026-11-26T06:39:15Z\"},"
                        + "{\"id\":\"b\",\"kind\":\"apply\",\"started_at\":\"yesterday\"}]}",
                "operations[1].started_at must be an ISO-8601 instant, but was \"yesterday\"");
    }

    @Test
    void rejectsUnknownIntegrityStatus() {
        assertRejected("{\"integrity\":{\"log\":{\"status\":\"broken\"}}}",
                "integrity.log.status must be one of ok, failed, unknown, but was \"broken\"");
    }

    @Test
    void rejectsIntegrityCheckWithoutStatus() {
        assertRejected("{\"integrity\":{\"database\":{\"detail\":\"fine\"}}}", "integrity.database.status is missing");
    }

    @Test
    void rejectsIntegrityDetailThatIsNotAString() {
        assertRejected("{\"integrity\":{\"database\":{\"status\":\"ok\",\"detail\":[]}}}",
                "integrity.database.detail must be a string, but was []");
    }

    @Test
    void rejectsPeerReachabilityThatIsNotABoolean() {
        assertRejected("{\"peers\":{\"node-2\":\"up\"}}", "peers.node-2 must be a boolean, but was \"up\"");
    }

    @Test
    void rejectsPeerWithBlankNodeId() {
        assertRejected("{\"peers\":{\" \":true}}",
                "peers must be keyed by node ids ([A-Za-z0-9][A-Za-z0-9._-]{0,63}), but had ' '");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "<html>It works!</html>|response is not valid JSON at line 1, column 1",
        "{\"term\":3|response is not valid JSON at line 1, column 10",
        "{\"term\":3} trailing|response is not valid JSON at line 1, column 12",
        "{\"term\":3,\"term\":4}|response is not valid JSON at line 1, column 17",
        "[1,2]|response must be a JSON object, but was [1,2]",
        "\"status\"|response must be a JSON object, but was \"status\""})
    void rejectsBodyThatIsNotOneJsonObject(String body, String message) {
        assertRejected(body, message);
    }

    @Test
    void rejectsEmptyBody() {
        assertRejected("", "response is empty");
    }

    @Test
    void shortensLongOffendingValuesInMessages() {
        String longRole = "x".repeat(10_000);

        Throwable failure = catchThrowable(
                () -> StatusJson.parse(NODE_1, utf8("{\"role\":\"" + longRole + "\"}")));

        assertThat(failure).isInstanceOf(ProtocolException.class);
        assertThat(failure.getMessage()).hasSizeLessThan(200).endsWith("...");
    }
}
