package org.distributedtesting.recovery.strategies.e2e;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;

/**
 * A real 3-server ZooKeeper ensemble in the test JVM (Curator's TestingCluster) with a short tick, so that the
 * servers grant the session timeouts the tests ask for (ZooKeeper allows 2 to 20 ticks).
 */
final class ZooKeeperEnsemble implements AutoCloseable {

    private static final int TICK_MS = 250;

    private final TestingCluster cluster;
    private final List<InstanceSpec> specs;

    private ZooKeeperEnsemble(TestingCluster cluster, List<InstanceSpec> specs) {
        this.cluster = cluster;
        this.specs = specs;
    }

    static ZooKeeperEnsemble start(Path dir) throws Exception {
        List<InstanceSpec> specs = new ArrayList<>();
        for (int id = 1; id <= 3; id++) {
            Path data = Files.createDirectories(dir.resolve("zookeeper-" + id));
            specs.add(new InstanceSpec(data.toFile(), FreePorts.next(), FreePorts.next(), FreePorts.next(), true, id,
                    TICK_MS, 60));
        }
        TestingCluster cluster = new TestingCluster(specs);
        cluster.start();
        return new ZooKeeperEnsemble(cluster, specs);
    }

    /** The servers' client addresses. */
    List<InetSocketAddress> servers() {
        return specs.stream().map(s -> new InetSocketAddress("127.0.0.1", s.getPort())).toList();
    }

    String connectString() {
        return cluster.getConnectString();
    }

    /** Stops every server: ZooKeeper is down entirely. */
    void stop() throws IOException {
        cluster.stop();
    }

    @Override
    public void close() throws IOException {
        cluster.close();
    }
}
