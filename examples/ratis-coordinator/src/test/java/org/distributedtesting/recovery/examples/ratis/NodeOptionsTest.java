package org.distributedtesting.recovery.examples.ratis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NodeOptionsTest {

    private static final String PEERS = "n1=127.0.0.1:9001,n2=127.0.0.1:9002";

    @Test
    void readsTheCommandLineAndWritesItBack() {
        NodeOptions options = NodeOptions.parse("--id", "n1", "--data-dir", "/srv/n1", "--raft-port", "9001",
                "--http-port", "8001", "--peers", PEERS, "--fault-hooks", "--token-file", "/etc/token");

        assertThat(options.peers()).containsExactly(new Peer("n1", "127.0.0.1", 9001),
                new Peer("n2", "127.0.0.1", 9002));
        assertThat(options.faultHooks()).isTrue();
        assertThat(options.tokenFile()).contains(Path.of("/etc/token"));
        assertThat(options.diskQuota()).isEqualTo(NodeOptions.DEFAULT_DISK_QUOTA);
        assertThat(NodeOptions.parse(options.toArgs().toArray(String[]::new))).isEqualTo(options);
    }

    @Test
    void preVoteIsOnAndTheElectionTimeoutRatisDefaultUnlessChanged() {
        NodeOptions defaults = NodeOptions.parse("--id", "n1", "--data-dir", "d", "--raft-port", "9001",
                "--http-port", "0", "--peers", PEERS);
        assertThat(defaults.preVote()).isTrue();
        assertThat(defaults.electionTimeoutMax()).isEqualTo(java.time.Duration.ofMillis(800));

        NodeOptions changed = NodeOptions.parse("--id", "n1", "--data-dir", "d", "--raft-port", "9001",
                "--http-port", "0", "--peers", "n1=n1.ratis:9001,n2=n2.ratis:9002", "--pre-vote", "false",
                "--election-timeout-max", "60000");
        assertThat(changed.preVote()).isFalse();
        assertThat(changed.electionTimeoutMax()).isEqualTo(java.time.Duration.ofSeconds(60));
        assertThat(changed.peers().get(1).host()).isEqualTo("n2.ratis");
        assertThat(NodeOptions.parse(changed.toArgs().toArray(String[]::new))).isEqualTo(changed);
    }

    @Test
    void refusesAPreVoteThatIsNotABooleanAndATimeoutNotAboveTheMinimum() {
        assertThatThrownBy(() -> NodeOptions.parse("--id", "n1", "--data-dir", "d", "--raft-port", "9001",
                "--http-port", "0", "--peers", PEERS, "--pre-vote", "no"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--pre-vote must be true or false, but was 'no'");
        assertThatThrownBy(() -> NodeOptions.parse("--id", "n1", "--data-dir", "d", "--raft-port", "9001",
                "--http-port", "0", "--peers", PEERS, "--election-timeout-max", "400"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--election-timeout-max must be more than the minimum 400 ms, but was 400 ms");
    }

    @Test
    void aNodeServesWithDamagedStorageUnlessToldToExit() {
        NodeOptions serving = NodeOptions.parse("--id", "n1", "--data-dir", "d", "--raft-port", "9001",
                "--http-port", "0", "--peers", PEERS);
        NodeOptions exiting = NodeOptions.parse("--id", "n1", "--data-dir", "d", "--raft-port", "9001",
                "--http-port", "0", "--peers", PEERS, "--exit-on-damaged-storage");

        assertThat(serving.exitOnDamagedStorage()).isFalse();
        assertThat(exiting.exitOnDamagedStorage()).isTrue();
        assertThat(NodeOptions.parse(exiting.toArgs().toArray(String[]::new))).isEqualTo(exiting);
    }

    @Test
    void faultHooksAreOffUnlessAskedFor() {
        NodeOptions options = NodeOptions.parse("--id", "n1", "--data-dir", "d", "--raft-port", "9001",
                "--http-port", "0", "--peers", PEERS);

        assertThat(options.faultHooks()).isFalse();
        assertThat(options.tokenFile()).isEqualTo(Optional.empty());
    }

    @Test
    void explainsWhatIsWrongWithTheUsage() {
        assertThatThrownBy(() -> NodeOptions.parse("--id", "n3", "--data-dir", "d", "--raft-port", "9003",
                "--http-port", "0", "--peers", PEERS)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--peers must name this node 'n3'").hasMessageContaining("usage:");
        assertThatThrownBy(() -> NodeOptions.parse("--id", "n1", "--data-dir", "d", "--raft-port", "9009",
                "--http-port", "0", "--peers", PEERS))
                .hasMessageStartingWith("--peers gives 'n1' port 9001, but --raft-port is 9009");
        assertThatThrownBy(() -> NodeOptions.parse("--id", "n1", "--colour")).hasMessageStartingWith(
                "unknown option '--colour'");
        assertThatThrownBy(() -> NodeOptions.parse("--id", "n1", "--data-dir", "d", "--raft-port", "9001",
                "--http-port", "0", "--peers", "n1=127.0.0.1")).hasMessageStartingWith(
                "peer must be id=host:port, but was 'n1=127.0.0.1'");
        assertThatThrownBy(() -> NodeOptions.parse("--id", "n1", "--data-dir", "d", "--raft-port", "9001",
                "--http-port", "0", "--peers", PEERS, "--disk-quota", "0"))
                .hasMessageStartingWith("diskQuota must be > 0, but was 0");
    }
}
