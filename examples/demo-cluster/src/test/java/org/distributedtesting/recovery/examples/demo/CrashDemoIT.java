package org.distributedtesting.recovery.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's main job, run as a user runs it: the packaged demo jar exits 0 with every fault recovered. */
class CrashDemoIT {

    @TempDir
    Path dir;

    @Test
    void theDemoRecoversEveryFaultAndExitsZero() throws Exception {
        Path out = dir.resolve("demo.out");
        Process demo = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", Path.of("target", "recovery-demo.jar").toAbsolutePath().toString()))
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            assertThat(demo.waitFor(120, TimeUnit.SECONDS)).as("demo finished in time").isTrue();
            String output = Files.readString(out);
            assertThat(demo.exitValue()).as(output).isZero();
            assertThat(output).contains("RECOVERED  process_crash:node-2", "RECOVERED  process_crash:node-1",
                    "DEMO PASSED");
        } finally {
            demo.destroyForcibly();
        }
    }
}
