package org.distributedtesting.recovery.examples.ratis;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.Role;
import org.distributedtesting.recovery.core.http.client.HttpNodeProbe;

/**
 * A coordinator cluster for integration tests: each node a real child JVM ({@link CoordinatorNode}) on 127.0.0.1,
 * with ports picked at run time and its data directory under the test's temporary directory. Nodes can be killed
 * (SIGKILL), stopped (SIGTERM) and started again on the same ports and data. Some nodes may instead run inside the
 * test's JVM ({@link #inProcess}); the fixture then only knows their ports and directories.
 *
 * <p>Not thread-safe; {@link #close()} kills every process it started.
 */
final class NodeCluster implements AutoCloseable {

    /** Bound for every wait on the cluster. */
    static final Duration WAIT = Duration.ofSeconds(30);

    private final Path root;
    private final Map<String, NodeOptions> options = new LinkedHashMap<>();
    private final Map<String, Process> processes = new LinkedHashMap<>();
    private final Set<String> inProcess;
    private final HttpNodeProbe probe = HttpNodeProbe.builder().build();

    /**
     * @param root      where the data directories and process logs go
     * @param ids       the nodes
     * @param inProcess the nodes the test runs itself
     * @param extraArgs options for every node, such as {@code --segment-size}
     */
    NodeCluster(Path root, List<String> ids, Set<String> inProcess, String... extraArgs) throws IOException {
        this.root = root;
        this.inProcess = Set.copyOf(inProcess);
        List<Peer> peers = new ArrayList<>();
        Map<String, Integer> httpPorts = new LinkedHashMap<>();
        for (String id : ids) {
            peers.add(new Peer(id, "127.0.0.1", freePort()));
            httpPorts.put(id, freePort());
        }
        for (Peer peer : peers) {
            List<String> args = new ArrayList<>(List.of("--id", peer.id(), "--data-dir",
                    root.resolve(peer.id()).toString(), "--raft-port", String.valueOf(peer.port()), "--http-port",
                    String.valueOf(httpPorts.get(peer.id())), "--peers", Peer.formatList(peers)));
            args.addAll(List.of(extraArgs));
            options.put(peer.id(), NodeOptions.parse(args.toArray(String[]::new)));
        }
    }

    /** Starts every child node. */
    NodeCluster startAll() throws IOException {
        for (String id : options.keySet()) {
            if (!inProcess.contains(id)) {
                start(id);
            }
        }
        return this;
    }

    NodeOptions options(String id) {
        return options.get(id);
    }

    List<Peer> peers() {
        return options.values().iterator().next().peers();
    }

    List<String> ids() {
        return List.copyOf(options.keySet());
    }

    DataDir dataDir(String id) {
        return new DataDir(options.get(id).dataDir());
    }

    NodeSpec spec(String id) {
        return NodeSpec.of(id, "127.0.0.1", options.get(id).httpPort(), options.get(id).dataDir());
    }

    List<NodeSpec> specs() {
        return options.keySet().stream().map(this::spec).toList();
    }

    /** Starts the node's process and waits until it serves its status. */
    void start(String id) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                        .toString(), "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                // the test class path may be a manifest-only jar; as -cp it still brings its Class-Path
                "-cp", System.getProperty("java.class.path"), CoordinatorNode.class.getName()));
        command.addAll(options.get(id).toArgs());
        Files.createDirectories(root.resolve("logs"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(root.resolve("logs").resolve(id + ".log").toFile()))
                .start();
        processes.put(id, process);
        await().atMost(WAIT).ignoreExceptions().until(() -> status(id) != null);
    }

    /** SIGKILL, and waits for the process to end. */
    void kill(String id) throws InterruptedException {
        end(id, true);
    }

    /** SIGTERM (a clean shutdown), and waits for the process to end. */
    void stop(String id) throws InterruptedException {
        end(id, false);
    }

    private void end(String id, boolean kill) throws InterruptedException {
        Process process = processes.remove(id);
        if (process == null) {
            return;
        }
        if (kill) {
            process.destroyForcibly();
        } else {
            process.destroy();
        }
        if (!process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    boolean running(String id) {
        return inProcess.contains(id) || processes.containsKey(id);
    }

    /** The node's status over the node protocol. */
    NodeStatus status(String id) throws IOException, InterruptedException {
        return probe.probe(spec(id), Duration.ofSeconds(5));
    }

    /**
     * The node's status once its start-up checks are in: a node answers while it still checks its data as it starts,
     * and says so ({@link CachedCheck#NOT_YET}).
     */
    NodeStatus checkedStatus(String id) {
        return await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                .until(() -> status(id), s -> !s.log().equals(CachedCheck.NOT_YET)
                        && !s.database().equals(CachedCheck.NOT_YET));
    }

    /** Waits for exactly one running node to lead, every running node to know it, and returns it. */
    String awaitLeader() {
        return await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                .until(this::agreedLeader, Optional::isPresent).orElseThrow();
    }

    private Optional<String> agreedLeader() throws IOException, InterruptedException {
        Set<String> leaders = new java.util.HashSet<>();
        Set<String> known = new java.util.HashSet<>();
        for (String id : options.keySet()) {
            if (!running(id)) {
                continue;
            }
            NodeStatus status = status(id);
            if (status.role() == Role.LEADER) {
                leaders.add(id);
            }
            known.add(status.leader().map(NodeId::value).orElse(""));
        }
        return leaders.size() == 1 && known.equals(leaders) ? Optional.of(leaders.iterator().next())
                : Optional.empty();
    }

    /**
     * Waits until every running node has applied the leader's commit index and reports the same checksum there.
     *
     * @return the statuses at that point
     */
    Map<String, NodeStatus> awaitConverged() {
        return await().atMost(WAIT).ignoreExceptions().until(this::statusesOfRunning, statuses -> {
            Set<Long> applied = statuses.values().stream().map(NodeStatus::appliedIndex).collect(Collectors.toSet());
            Set<Long> commits = statuses.values().stream().map(NodeStatus::commitIndex).collect(Collectors.toSet());
            Set<String> sums = statuses.values().stream()
                    .map(s -> s.stateChecksum().map(c -> c.value() + "@" + c.index()).orElse("none"))
                    .collect(Collectors.toSet());
            return applied.size() == 1 && commits.equals(applied) && sums.size() == 1 && !sums.contains("none");
        });
    }

    Map<String, NodeStatus> statusesOfRunning() throws IOException, InterruptedException {
        Map<String, NodeStatus> statuses = new LinkedHashMap<>();
        for (String id : options.keySet()) {
            if (running(id)) {
                statuses.put(id, status(id));
            }
        }
        return statuses;
    }

    /** A new client (a client does not survive a peer's restart well). */
    CoordinatorClient client() {
        return new CoordinatorClient(peers());
    }

    @Override
    public void close() throws InterruptedException {
        for (String id : List.copyOf(processes.keySet())) {
            kill(id);
        }
        probe.close();
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}
