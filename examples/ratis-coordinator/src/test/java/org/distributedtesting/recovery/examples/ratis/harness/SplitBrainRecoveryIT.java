package org.distributedtesting.recovery.examples.ratis.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Optional;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.Role;
import org.junit.jupiter.api.Test;

/**
 * The leader of a 3-node cluster cut off from the other two while it still believes it leads: the daemon sees two
 * leaders, keeps the one the majority follows and fences the stale one.
 */
class SplitBrainRecoveryIT extends RecoveryItSupport {

    @Test
    void daemonFencesTheStaleLeaderAndKeepsTheOneTheMajorityFollows() throws Exception {
        // Given a cluster under writes led by node-1, which goes on leading for a minute without hearing a majority
        // (Ratis steps a leader down after its maximum election timeout, 800 ms by default, which would end the
        // split before any monitor could see it)
        start(b -> b.network(true).nodeArgsOf("node-1", "--election-timeout-max", "60000"));
        cluster.makeLeader("node-1");
        String old = cluster.awaitLeader();
        long oldTerm = cluster.status(old).term();

        // When the leader is cut off from the other nodes
        Injection split = cluster.faults().isolateLeader();

        // Then the majority elects a new leader in a higher term while the old one still claims to lead
        String fresh = await("a second leader in a higher term").atMost(ClusterHarness.WAIT)
                .pollInterval(Duration.ofMillis(100)).until(() -> cluster.ids().stream()
                        .filter(id -> !id.equals(old)).filter(id -> cluster.statusIfUp(id)
                                .filter(s -> s.role() == Role.LEADER && s.term() > oldTerm).isPresent())
                        .findFirst(), Optional::isPresent).orElseThrow();

        // And the daemon fences the stale leader: it steps down, the new one is kept
        await("the daemon to fence '" + old + "'").atMost(RECOVERY).pollInterval(Duration.ofMillis(200))
                .until(() -> actionsAbout(FailureType.SPLIT_BRAIN.name(), old).contains("recovery_verified"));
        assertThat(actionsAbout(FailureType.SPLIT_BRAIN.name(), old)).containsSubsequence("failure_detected",
                "recover_split_brain", "recovery_verified");
        assertThat(actionDone("step_down_leader", old)).isTrue();
        assertThat(cluster.journal()).noneMatch(e -> e.action().equals("step_down_leader")
                && fresh.equals(e.details().get("node_id")));
        NodeStatus fenced = cluster.status(old);
        assertThat(fenced.role()).isNotEqualTo(Role.LEADER);
        assertThat(cluster.status(fresh).role()).isEqualTo(Role.LEADER);

        // And once the network heals, the old leader follows the new one with every accepted write
        cluster.faults().healNetwork();
        RecoveryTimes times = assertRecovered(split);
        System.out.println("SPLIT BRAIN " + times);
        assertThat(cluster.awaitLeader()).isEqualTo(fresh);
    }
}
