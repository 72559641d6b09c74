package org.distributedtesting.recovery.examples.ratis.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.NodeStatus;
import org.junit.jupiter.api.Test;

/**
 * A minority of a 5-node cluster cut off from the other nodes and from the monitor, then healed: the daemon waits,
 * reaches the nodes at their alternative addresses, and never changes the membership.
 */
class NetworkPartitionRecoveryIT extends RecoveryItSupport {

    @Test
    void daemonWaitsThenUsesTheAlternativeAddressAndKeepsTheMembershipThroughATransientPartition() throws Exception {
        // Given a 5-node cluster under writes, whose links (and the monitor's) go through fault proxies, and whose
        // nodes the daemon may also reach directly at an alternative address
        start(b -> b.nodes(5).network(true).alternativeAddresses(true).recoveryOption("verify_timeout", 15));
        String leader = cluster.awaitLeader();
        List<String> minority = cluster.ids().stream().filter(id -> !id.equals(leader)).limit(2).toList();

        // When two followers are cut off from the other three and from the monitor
        Injection cut = cluster.faults().partition(minority, true);

        // Then the daemon waits first, then switches to the alternative address, which answers
        await("the daemon to reach " + minority + " at their alternative addresses").atMost(RECOVERY)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> minority.stream().allMatch(node -> actionDone("use_alternative_address", node)));
        List<String> actions = actionsAbout(FailureType.NETWORK_PARTITION.name(), cut.node());
        assertThat(actions).containsSubsequence("failure_detected", "network_partition_detected",
                "try_alternative_addresses");

        // And when the partition heals, the failure is verified gone, with every node still a voter
        cluster.faults().healNetwork();
        RecoveryTimes times = assertRecovered(cut);
        System.out.println("PARTITION " + times);
        assertThat(cluster.journal()).noneMatch(e -> e.action().contains("voter") || e.action().contains("remove"));
        for (String id : cluster.ids()) {
            NodeStatus status = cluster.status(id);
            assertThat(status.voter()).as("'%s' is a voter", id).isTrue();
        }
    }
}
