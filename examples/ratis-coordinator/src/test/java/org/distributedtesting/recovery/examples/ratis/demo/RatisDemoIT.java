package org.distributedtesting.recovery.examples.ratis.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.distributedtesting.recovery.examples.ratis.harness.CommandLines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's main job, run as a newcomer runs it: {@code java -jar target/ratis-demo.jar} (packaged before the
 * integration tests run) exits 0 with every fault injected and recovered, and leaves no process behind.
 */
class RatisDemoIT {

    private static final Path DEMO_JAR = Path.of("target", "ratis-demo.jar").toAbsolutePath();

    /** Seven faults take about four minutes here; the slow follower alone about 40 s. */
    private static final long BOUND_MINUTES = 12;

    @TempDir
    Path dir;

    @Test
    void theDemoRecoversAllSevenFaultsAndStopsEveryProcessItStarted() throws Exception {
        // Given the packaged demo and the daemon jar, with its temporary directory in ours
        assertThat(DEMO_JAR).as("built by 'mvn package'").isRegularFile();
        Path daemonJar = Path.of(System.getProperty("recovery.daemon.jar"));
        Path out = dir.resolve("demo.out");

        // When it runs to its end
        Process demo = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + dir, "-jar", DEMO_JAR.toString(), "--daemon-jar", daemonJar.toString()))
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            assertThat(demo.waitFor(BOUND_MINUTES, TimeUnit.MINUTES)).as("the demo ended within %d minutes",
                    BOUND_MINUTES).isTrue();
        } finally {
            demo.descendants().forEach(ProcessHandle::destroyForcibly);
            demo.destroyForcibly();
        }
        String output = Files.readString(out);
        System.out.println(output);

        // Then it passed, with each fault injected and recovered on the timeline
        assertThat(demo.exitValue()).as("exit code").isZero();
        for (DemoFault fault : DemoFault.values()) {
            assertThat(output).containsPattern("INJECTED   " + fault.key() + " on node-\\d");
        }
        for (String type : List.of("process_crash", "database_corruption", "log_corruption", "deadlock",
                "slow_follower", "resource_exhaustion", "network_partition", "split_brain")) {
            assertThat(output).containsPattern("RECOVERED  " + type + ":node-\\d");
        }
        assertThat(output).contains("HEALED     the network");
        assertThat(output).contains("PASSED: " + DemoFault.values().length + " of " + DemoFault.values().length
                + " faults");
        // and no node, daemon or maintenance process it started is left
        List<String> left = ProcessHandle.allProcesses()
                .filter(p -> CommandLines.of(p).map(c -> c.contains(dir.toString())).orElse(false))
                .map(p -> p.pid() + " " + CommandLines.of(p).orElse("?")).toList();
        assertThat(left).as("processes of the demo still running").isEmpty();
        try (var files = Files.list(dir)) {
            assertThat(files.filter(p -> p.getFileName().toString().startsWith("coordinator-harness-")))
                    .as("the demo's directory, deleted without --keep").isEmpty();
        }
    }
}
