package org.distributedtesting.recovery.examples.ratis.harness;

import static org.assertj.core.api.Assertions.assertThat;

import org.distributedtesting.recovery.IntegrityCheck;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.Role;
import org.distributedtesting.recovery.StateChecksum;
import org.junit.jupiter.api.Test;

/** Each invariant the random schedule relies on is caught when broken, and a healthy history passes. */
class InvariantMonitorTest {

    private final InvariantMonitor monitor = InvariantMonitor.fed();

    @Test
    void aHealthyHistoryBreaksNothing() {
        monitor.record("node-1", status(Role.LEADER, 2, "a", 10));
        monitor.record("node-2", status(Role.FOLLOWER, 2, "a", 10));
        monitor.record("node-1", status(Role.FOLLOWER, 3, "b", 11));
        monitor.record("node-3", status(Role.LEADER, 3, "b", 11));

        assertThat(monitor.violations()).isEmpty();
        assertThat(monitor.samples()).isEqualTo(4);
    }

    @Test
    void twoLeadersOfOneTermAreAViolation() {
        monitor.record("node-1", status(Role.LEADER, 4, "a", 10));
        monitor.record("node-2", status(Role.LEADER, 4, "a", 10));

        assertThat(monitor.violations()).containsExactly("'node-1' and 'node-2' both led term 4");
    }

    @Test
    void aTermGoingDownIsAViolation() {
        monitor.record("node-3", status(Role.FOLLOWER, 15, "a", 10));
        monitor.record("node-3", status(Role.FOLLOWER, 12, "a", 10));

        assertThat(monitor.violations()).containsExactly("'node-3' answered term 12 after term 15");
    }

    @Test
    void twoChecksumsAtOneIndexAreAViolationUnlessTheDatabaseCheckFails() {
        monitor.record("node-1", status(Role.LEADER, 2, "a", 10));
        monitor.record("node-2", NodeStatus.builder().role(Role.FOLLOWER).term(2).stateChecksum(
                new StateChecksum("corrupt", 10)).database(IntegrityCheck.failed("page 8 corrupt")).build());
        assertThat(monitor.violations()).isEmpty();

        monitor.record("node-3", status(Role.FOLLOWER, 2, "z", 10));
        assertThat(monitor.violations()).containsExactly("'node-1' reported checksum a and 'node-3' z at applied"
                + " index 10");
    }

    private static NodeStatus status(Role role, long term, String checksum, long index) {
        return NodeStatus.builder().role(role).term(term).leader(NodeId.of("node-1"))
                .stateChecksum(new StateChecksum(checksum, index)).build();
    }
}
