package org.distributedtesting.recovery.core.supervise;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** Real processes for the supervisor's tests, and the clean-up that kills every one of them after each test. */
abstract class LocalProcessTestSupport {

    static final Instant NOW = Instant.parse("2030-01-02T03:04:05Z");

    /** Bound for every wait on a real process. */
    static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path tempDir;

    final LocalProcessSupervisor supervisor = new LocalProcessSupervisor(Clock.fixed(NOW, ZoneOffset.UTC));

    private final List<ProcessHandle> toKill = new ArrayList<>();

    @AfterEach
    void killEveryProcessStarted() {
        supervisor.close();
        List<ProcessHandle> all = toKill.stream()
                .flatMap(h -> Stream.concat(h.descendants(), Stream.of(h)))
                .toList();
        all.forEach(ProcessHandle::destroyForcibly);
        await().atMost(WAIT).until(() -> noneRunning(all));
    }

    private static boolean noneRunning(List<ProcessHandle> processes) throws IOException {
        for (ProcessHandle process : processes) {
            if (running(process.pid())) {
                return false;
            }
        }
        return true;
    }

    /** A node on 127.0.0.1:7001 with its data directory under the test's temporary directory. */
    NodeSpec node(String id, List<String> command) {
        return new NodeSpec(NodeId.of(id), "127.0.0.1", 7001, tempDir.resolve(id), List.of(), command);
    }

    /** A node whose process runs {@code script} in {@code sh -c}. */
    NodeSpec shNode(String id, String script) {
        return node(id, sh(script));
    }

    static List<String> sh(String script) {
        return List.of("sh", "-c", script);
    }

    /** Starts the node through the supervisor and registers its process for clean-up. */
    long start(NodeSpec node) {
        long pid = supervisor.start(node).pid().orElseThrow();
        killAfterTest(pid);
        return pid;
    }

    /** Kills the process (and whatever descends from it then) after the test, if it still runs. */
    void killAfterTest(long pid) {
        ProcessHandle.of(pid).ifPresent(toKill::add);
    }

    /** Starts a process outside the supervisor, as an earlier run of the daemon would have. */
    Process startOutsideSupervisor(String script) throws IOException {
        Process process = new ProcessBuilder(sh(script)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        killAfterTest(process.pid());
        return process;
    }

    static Path logOf(NodeSpec node) {
        return node.dataDir().resolve(LocalProcessSupervisor.LOG_FILE);
    }

    static Path pidFileOf(NodeSpec node) {
        return node.dataDir().resolve(LocalProcessSupervisor.PID_FILE);
    }

    static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }

    static void awaitLogContains(NodeSpec node, String text) {
        await().atMost(WAIT).until(() -> read(logOf(node)).contains(text));
    }

    void awaitDead(NodeSpec node) {
        await().atMost(WAIT).until(() -> supervisor.status(node).isDead());
    }

    /** Whether the process runs; a zombie (ended, not reaped yet by init) does not, although the JDK says so. */
    static boolean running(long pid) throws IOException {
        if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            return false;
        }
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        return !Files.exists(stat) || !Files.readString(stat, StandardCharsets.US_ASCII).contains(") Z ");
    }
}
