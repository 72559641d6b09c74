package org.distributedtesting.recovery.examples.ratis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/**
 * The Apache Ratis settings every coordinator node and client shares: gRPC on 127.0.0.1 (the Netty transport floods
 * its log and never fails over when a peer is down), election timeouts that tolerate a busy two-core machine,
 * linearizable reads (so a follower can serve a read once it has caught up), snapshots that a request with a
 * creation gap of 1 always takes, and small log segments so that purging has something to purge.
 *
 * <p>Stateless and thread-safe.
 */
final class RatisConfig {

    /** The one Raft group of the coordinator: a name-based UUID, the same on every node. */
    static final RaftGroupId GROUP_ID = RaftGroupId.valueOf(
            UUID.nameUUIDFromBytes("distributed-testing-coordinator".getBytes(StandardCharsets.UTF_8)));

    /** Election timeout range: a follower campaigns after 400 to 800 ms without a heartbeat. */
    static final Duration ELECTION_TIMEOUT_MIN = NodeOptions.ELECTION_TIMEOUT_MIN;

    /** How long one client request may take before the client retries it. */
    static final Duration CLIENT_REQUEST_TIMEOUT = Duration.ofSeconds(3);

    /** The largest log entry the server writes and the log check reads. */
    static final SizeInBytes MAX_ENTRY_SIZE = SizeInBytes.valueOf("4MB");

    /** Snapshots kept on disk. */
    static final int SNAPSHOTS_RETAINED = 2;

    private RatisConfig() {
    }

    static RaftGroup group(List<Peer> peers) {
        return RaftGroup.valueOf(GROUP_ID, peers.stream().map(Peer::toRaftPeer).toList());
    }

    static RaftProperties server(NodeOptions options, DataDir dir) {
        RaftProperties p = new RaftProperties();
        RaftConfigKeys.Rpc.setType(p, SupportedRpcType.GRPC);
        GrpcConfigKeys.Server.setHost(p, "127.0.0.1");
        GrpcConfigKeys.Server.setPort(p, options.raftPort());
        GrpcConfigKeys.Admin.setHost(p, "127.0.0.1");
        GrpcConfigKeys.Client.setHost(p, "127.0.0.1");
        RaftServerConfigKeys.setStorageDir(p, List.of(dir.raftDir().toFile()));
        RaftServerConfigKeys.Rpc.setTimeoutMin(p, millis(ELECTION_TIMEOUT_MIN));
        RaftServerConfigKeys.Rpc.setTimeoutMax(p, millis(options.electionTimeoutMax()));
        RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, options.snapshotThreshold());
        RaftServerConfigKeys.Snapshot.setCreationGap(p, 1);
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(p, SNAPSHOTS_RETAINED);
        RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf(options.segmentSize()));
        RaftServerConfigKeys.Log.setPreallocatedSize(p, SizeInBytes.valueOf(Math.min(options.segmentSize(),
                4L << 20)));
        RaftServerConfigKeys.Log.setPurgeGap(p, 1);
        RaftServerConfigKeys.Log.Appender.setBufferByteLimit(p, MAX_ENTRY_SIZE);
        RaftServerConfigKeys.LeaderElection.setPreVote(p, options.preVote());
        return p;
    }

    static RaftProperties client() {
        RaftProperties p = new RaftProperties();
        RaftConfigKeys.Rpc.setType(p, SupportedRpcType.GRPC);
        RaftClientConfigKeys.Rpc.setRequestTimeout(p, millis(CLIENT_REQUEST_TIMEOUT));
        return p;
    }

    /** A fresh client of the group; a client does not survive a peer's restart well, so make one per use. */
    static RaftClient newClient(List<Peer> peers, RetryPolicy retry) {
        return RaftClient.newBuilder().setProperties(client()).setRaftGroup(group(peers)).setClientId(ClientId
                .randomId()).setRetryPolicy(retry).build();
    }

    /** Retries a request for about {@code total}, every 200 ms, across leader changes. */
    static RetryPolicy retryFor(Duration total) {
        int attempts = (int) Math.max(1, total.toMillis() / 200);
        return RetryPolicies.retryUpToMaximumCountWithFixedSleep(attempts, TimeDuration.valueOf(200,
                TimeUnit.MILLISECONDS));
    }

    private static TimeDuration millis(Duration d) {
        return TimeDuration.valueOf(d.toMillis(), TimeUnit.MILLISECONDS);
    }
}
