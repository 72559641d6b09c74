package org.distributedtesting.recovery.examples.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.core.http.client.HttpNodeProbe;
import org.distributedtesting.recovery.core.supervise.LocalProcessSupervisor;
import org.distributedtesting.recovery.strategies.cli.RecoveryDaemon;

/**
 * The main job's demo: starts three stand-in nodes on loopback, then kills a follower and then the leader with
 * SIGKILL, and after each kill runs the recovery daemon ({@code --once}), which detects the crash, restarts the
 * node and verifies it. Stops every process it started, also on Ctrl-C. Exits 0 only if every fault was recovered.
 */
public final class CrashDemo {

    private static final Duration READY = Duration.ofSeconds(30);

    private final Path dir;
    private final List<NodeSpec> nodes = new ArrayList<>();

    private CrashDemo(Path dir) {
        this.dir = dir;
    }

    /** Runs the demo; the exit code says whether every fault was recovered. */
    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        Path dir = Files.createTempDirectory("recovery-demo-");
        CrashDemo demo = new CrashDemo(dir);
        Thread cleanup = new Thread(demo::stopAll, "demo-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        int exit;
        try {
            exit = demo.run();
        } finally {
            demo.stopAll();
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
        System.exit(exit);
    }

    private int run() throws Exception {
        Path config = startCluster();
        System.out.println("== 1. healthy cluster: the daemon finds nothing to do");
        int healthy = daemon(config);
        System.out.println("== 2. SIGKILL of follower node-2");
        kill(2);
        int follower = daemon(config);
        System.out.println("== 3. SIGKILL of node-1, the node that reports itself leader");
        kill(1);
        int leader = daemon(config);
        boolean ok = healthy == 0 && follower == 0 && leader == 0;
        System.out.println();
        System.out.println(ok ? "DEMO PASSED: every fault was detected, recovered and verified"
                : "DEMO FAILED: exit codes " + healthy + ", " + follower + ", " + leader);
        System.out.println("journal: " + dir.resolve("recovery").resolve("recovery-journal.jsonl"));
        return ok ? 0 : 1;
    }

    private Path startCluster() throws IOException, InterruptedException {
        String jar = Path.of(CrashDemo.class.getProtectionDomain().getCodeSource().getLocation().getPath())
                .toString();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Map<String, Object>> configured = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            List<String> command = new ArrayList<>(List.of(java, "-Xmx32m", "-XX:TieredStopAtLevel=1", "-cp", jar,
                    DemoNode.class.getName(), "--id", "{id}", "--port", "{port}"));
            if (i == 1) {
                command.add("--leader");
            }
            Path data = Files.createDirectories(dir.resolve("node-" + i));
            NodeSpec spec = new NodeSpec(NodeId.of("node-" + i), "127.0.0.1", freePort(), data, List.of(), command);
            nodes.add(spec);
            Map<String, Object> node = new LinkedHashMap<>();
            node.put("id", spec.id().value());
            node.put("host", spec.host());
            node.put("port", spec.port());
            node.put("data_dir", data.toString());
            node.put("command", command);
            configured.add(node);
        }
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("nodes", configured);
        cfg.put("recovery_dir", dir.resolve("recovery").toString());
        cfg.put("recovery_options", Map.of("confirmations", 2, "verify_interval", 0.5, "probe_timeout", 1,
                "verify_timeout", 20, "backoff_initial", 1, "backoff_max", 5, "node_cooldown", 5));
        Path config = dir.resolve("cluster.json");
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(config.toFile(), cfg);
        System.out.println("starting 3 demo nodes in " + dir);
        try (LocalProcessSupervisor supervisor = new LocalProcessSupervisor();
             HttpNodeProbe probe = HttpNodeProbe.builder().build()) {
            for (NodeSpec node : nodes) {
                System.out.println("  " + node.id() + " on 127.0.0.1:" + node.port() + " pid "
                        + supervisor.start(node).pid().orElse(-1));
            }
            for (NodeSpec node : nodes) {
                awaitAnswer(probe, node);
            }
        }
        return config;
    }

    private static void awaitAnswer(HttpNodeProbe probe, NodeSpec node) throws InterruptedException {
        Instant end = Instant.now().plus(READY);
        while (Instant.now().isBefore(end)) {
            try {
                probe.probe(node, Duration.ofSeconds(1));
                return;
            } catch (IOException | RuntimeException e) {
                Thread.sleep(100); // the node's JVM is still starting; poll again
            }
        }
        throw new IllegalStateException(node.id() + " did not answer within " + READY);
    }

    private void kill(int i) throws IOException {
        long pid = Long.parseLong(Files.readString(nodes.get(i - 1).dataDir()
                .resolve(LocalProcessSupervisor.PID_FILE)).trim());
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        ProcessHandle.of(pid).ifPresent(p -> p.onExit().join());
        System.out.println("killed node-" + i + " (pid " + pid + ") with SIGKILL");
    }

    private static int daemon(Path config) {
        int exit = RecoveryDaemon.run(new String[] {"--config", config.toString(), "--once", "--timeout", "60"},
                System.out, System.err);
        System.out.println("daemon exit code " + exit);
        return exit;
    }

    /** Stops every node, including those the daemon restarted, by adopting them through their pid files. */
    private void stopAll() {
        try (LocalProcessSupervisor adopting = new LocalProcessSupervisor()) {
            for (NodeSpec node : nodes) {
                adopting.status(node);
                adopting.stop(node, Duration.ofSeconds(2));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Ports handed out so far: two {@code new ServerSocket(0)} in a row may return the same port. */
    private static final java.util.Set<Integer> GIVEN_PORTS = new java.util.HashSet<>();

    private static synchronized int freePort() throws IOException {
        while (true) {
            try (ServerSocket socket = new ServerSocket(0)) {
                if (GIVEN_PORTS.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            }
        }
    }
}
