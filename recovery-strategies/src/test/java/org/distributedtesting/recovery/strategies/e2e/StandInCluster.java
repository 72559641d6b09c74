package org.distributedtesting.recovery.strategies.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.core.http.client.HttpNodeProbe;
import org.distributedtesting.recovery.core.supervise.LocalProcessSupervisor;

/**
 * Three stand-in node processes on loopback ports picked at run time, each with its own data directory, started
 * through a {@link LocalProcessSupervisor} so that each has a pid file. Closing it stops every node, including
 * processes another supervisor (the daemon) restarted.
 */
final class StandInCluster implements AutoCloseable {

    final Path dir;
    final List<NodeSpec> nodes = new ArrayList<>();
    private final LocalProcessSupervisor supervisor = new LocalProcessSupervisor();
    private final List<Process> outside = new ArrayList<>();

    /** A cluster whose node {@code hangingNode} (1-based; -1 for none) accepts connections and never answers. */
    StandInCluster(Path dir, int size, int hangingNode) throws IOException {
        this(dir, size, hangingNode, StandInNode.Hostility.HANG);
    }

    /**
     * A cluster whose node {@code hostileNode} (1-based; -1 for none) breaks the protocol as {@code hostility} says.
     */
    StandInCluster(Path dir, int size, int hostileNode, StandInNode.Hostility hostility) throws IOException {
        this(dir, size, hostileNode, List.of("--hostile", hostility.argument()));
    }

    /** A cluster whose node {@code oddNode} (1-based; -1 for none) gets {@code arguments} added to its command. */
    StandInCluster(Path dir, int size, int oddNode, List<String> arguments) throws IOException {
        this(dir, size, List.of(), oddNode, arguments);
    }

    /**
     * A cluster of {@link ScriptedNode}s, whose status and answers to control actions the test sets at run time
     * ({@link #setStatus}, {@link #react}, {@link #actions}).
     */
    static StandInCluster scripted(Path dir, int size) throws IOException {
        return new StandInCluster(dir, size, List.of("--scripted"), -1, List.of());
    }

    private StandInCluster(Path dir, int size, List<String> everyNode, int oddNode, List<String> arguments)
            throws IOException {
        this.dir = dir;
        String classpath = System.getProperty("java.class.path");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (int i = 1; i <= size; i++) {
            List<String> command = new ArrayList<>(List.of(java, "-Xmx32m", "-XX:TieredStopAtLevel=1", "-cp",
                    classpath, StandInNode.class.getName(), "--id", "{id}", "--port", "{port}", "--data",
                    "{data_dir}"));
            if (i == 1) {
                command.add("--leader");
            }
            command.addAll(everyNode);
            if (i == oddNode) {
                command.addAll(arguments);
            }
            Path data = Files.createDirectories(dir.resolve("node-" + i));
            nodes.add(new NodeSpec(NodeId.of("node-" + i), "127.0.0.1", FreePorts.next(), data, List.of(), command));
        }
    }


    /** Starts every node and waits until the answering ones answer. */
    void start() {
        nodes.forEach(supervisor::start);
        awaitAnswers();
    }

    /**
     * Starts every node with {@code token} in its environment, as a daemon with that control token starts them, and
     * waits until they answer.
     */
    void start(String token) {
        try (LocalProcessSupervisor withToken = new LocalProcessSupervisor(java.time.Clock.systemUTC(),
                () -> token)) {
            nodes.forEach(withToken::start);
        }
        awaitAnswers();
    }

    /** Starts every node but node {@code i} (1-based), which is never started, and waits for their answers. */
    void startAllBut(int i) {
        nodes.stream().filter(n -> n != node(i)).forEach(supervisor::start);
        awaitAnswers(nodes.stream().filter(n -> n != node(i)).toList());
    }

    /** Waits until every node that plays a healthy node answers its status. */
    void awaitAnswers() {
        awaitAnswers(nodes);
    }

    private void awaitAnswers(List<NodeSpec> answering) {
        try (HttpNodeProbe probe = HttpNodeProbe.builder().build()) {
            for (NodeSpec node : answering) {
                if (node.startCommand().contains("--hostile") || node.startCommand().contains("--answer")) {
                    continue;
                }
                await("node " + node.id() + " answers").atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                        .until(() -> probe.probe(node, Duration.ofSeconds(1)) != null);
            }
        }
    }

    /**
     * Starts every node as another tool would (a script, systemd): a plain child process, with no pid file the
     * daemon knows, and waits until each answers.
     */
    void startOutside() throws IOException {
        for (NodeSpec node : nodes) {
            List<String> command = node.startCommand().stream().map(a -> a.replace("{id}", node.id().value())
                    .replace("{port}", Integer.toString(node.port()))
                    .replace("{data_dir}", node.dataDir().toString())).toList();
            outside.add(new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(node.dataDir().resolve("outside.log").toFile()).start());
        }
        awaitAnswers();
    }

    /** The process of node {@code i} that {@link #startOutside()} started. */
    Process outside(int i) {
        return outside.get(i - 1);
    }

    /** Pauses node {@code i}'s process (SIGSTOP): it runs, holds its port, and answers nothing. */
    void pause(long pid) throws IOException, InterruptedException {
        signal("-STOP", pid);
    }

    /** Lets a paused process go on (SIGCONT). */
    void resume(long pid) throws IOException, InterruptedException {
        signal("-CONT", pid);
    }

    private static void signal(String signal, long pid) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", signal, Long.toString(pid)).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill " + signal + " " + pid + " exited with " + kill.exitValue());
        }
    }

    /** Makes every later start of node {@code i} fail at once with exit code 2, printing {@code why}. */
    void refuseToStart(int i, String why) throws IOException {
        Files.writeString(node(i).dataDir().resolve(StandInNode.REFUSE_TO_START), why);
    }

    /** Makes scripted node {@code i} answer {@code statusJson} (the protocol's status JSON) from its next probe on. */
    void setStatus(int i, String statusJson) throws IOException {
        ScriptedNode.write(node(i).dataDir().resolve(ScriptedNode.STATUS), statusJson.getBytes(UTF_8));
    }

    /**
     * Tells scripted node {@code i} what control actions do to its status:
     * {@code {"<action name>": {<status fields to set>}}}.
     */
    void react(int i, String reactionsJson) throws IOException {
        ScriptedNode.write(node(i).dataDir().resolve(ScriptedNode.REACTIONS), reactionsJson.getBytes(UTF_8));
    }

    /** The control actions scripted node {@code i} received, a line each: the action's name and its parameters. */
    List<String> actions(int i) throws IOException {
        Path log = node(i).dataDir().resolve(ScriptedNode.ACTIONS);
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    NodeSpec node(int i) {
        return nodes.get(i - 1);
    }

    /** The pid in the node's pid file. */
    long pid(int i) throws IOException {
        return Long.parseLong(Files.readString(node(i).dataDir().resolve(LocalProcessSupervisor.PID_FILE)).trim());
    }

    /** Kills node {@code i} with SIGKILL and waits until it is gone; returns its pid. */
    long kill(int i) throws IOException {
        long pid = pid(i);
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        await("node-" + i + " dead").atMost(Duration.ofSeconds(10))
                .until(() -> ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true));
        return pid;
    }

    /** The cluster as a config file, with fast recovery options for tests. */
    Path writeConfig(String recoveryOptions) throws IOException {
        return writeConfig(recoveryOptions, "");
    }

    /** The cluster as a config file, with fast recovery options and more top-level keys ({@code "k": v, ...}). */
    Path writeConfig(String recoveryOptions, String moreKeys) throws IOException {
        StringBuilder json = new StringBuilder("{\n  \"nodes\": [\n");
        for (int i = 0; i < nodes.size(); i++) {
            NodeSpec n = nodes.get(i);
            json.append("    {\"id\": \"").append(n.id()).append("\", \"host\": \"127.0.0.1\", \"port\": ")
                    .append(n.port()).append(", \"data_dir\": \"").append(n.dataDir()).append("\", \"command\": [");
            for (int j = 0; j < n.startCommand().size(); j++) {
                json.append(j == 0 ? "" : ", ").append('"').append(n.startCommand().get(j)).append('"');
            }
            json.append("]}").append(i + 1 < nodes.size() ? "," : "").append('\n');
        }
        json.append("  ],\n  \"recovery_dir\": \"").append(dir.resolve("recovery")).append("\",\n")
                .append("  \"recovery_options\": ").append(recoveryOptions)
                .append(moreKeys.isEmpty() ? "" : ",\n  " + moreKeys).append("\n}\n");
        return Files.writeString(dir.resolve("cluster.json"), json);
    }

    @Override
    public void close() throws InterruptedException {
        for (Process process : outside) {
            process.destroyForcibly(); // SIGKILL ends a paused process too
            process.waitFor();
        }
        // a fresh supervisor adopts whatever the pid files name, including nodes the daemon restarted
        try (LocalProcessSupervisor adopting = new LocalProcessSupervisor()) {
            for (NodeSpec node : nodes) {
                adopting.status(node);
                adopting.stop(node, Duration.ofSeconds(2));
            }
        }
        supervisor.close();
    }
}
