package org.distributedtesting.recovery.examples.ratis.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seeded random schedule of crashes, partitions, latency, database corruption and mixes of them on a 3-node
 * cluster whose links go through fault proxies, with the daemon recovering as it goes: afterwards no acknowledged
 * write is lost, no node holds a write nobody submitted, and no safety invariant broke at any time.
 *
 * <p>{@code chaos.seconds} (150 in every build, 900 with {@code -Pchaos}) and {@code chaos.seed} set the schedule;
 * the result line goes to {@code chaos.result} (target/random-fault-schedule.txt), which {@code .ci/run} prints;
 * {@code chaos.dir} keeps the cluster's directory (data, logs, journal, moved-aside files) there instead of a
 * temporary one.
 */
class RandomFaultScheduleIT {

    /** How long the cluster stays healthy between two faults: longer than the daemon's restart_cooldown here. */
    private static final Duration SETTLE = Duration.ofSeconds(11);

    @TempDir
    Path dir;

    @Test
    void aSeededScheduleOfFaultsLosesNoAcknowledgedWriteAndBreaksNoInvariant() throws Exception {
        long seed = Long.getLong("chaos.seed", 20261203L);
        Duration duration = Duration.ofSeconds(Long.getLong("chaos.seconds", 150L));
        String keep = System.getProperty("chaos.dir");
        Path root = keep == null || keep.isBlank() ? dir : Files.createDirectories(Path.of(keep));
        ClusterHarness cluster = ClusterHarness.builder().root(root).network(true).maintenance(true)
                // faults follow each other within seconds: a recovered node may be hit again after 5 s, its restart
                // attempts start over after 10 s healthy (the schedule keeps it healthy for 11 s between faults),
                // and the actions of every recovery fit the global budget
                .recoveryOption("node_cooldown", 5).recoveryOption("restart_cooldown", 10)
                .recoveryOption("action_budget", 1000).build();
        boolean passed = false;
        try {
            cluster.start();
            RandomFaultSchedule.Result result = new RandomFaultSchedule(cluster, seed, SETTLE, System.out)
                    .run(duration);
            String summary = "random fault schedule: " + result.summary();
            System.out.println(summary);
            write(summary);

            assertThat(result.injectedTotal()).isGreaterThan(0);
            assertThat(result.failures()).as("faults the cluster did not recover from").isEmpty();
            assertThat(result.recoveredTotal()).isEqualTo(result.injectedTotal());
            assertThat(result.violations()).as("invariant violations").isEmpty();
            assertThat(result.history().passed()).isTrue();
            passed = true;
        } finally {
            if (!passed) {
                cluster.printDiagnostics(System.out);
            }
            cluster.close();
        }
    }

    private static void write(String summary) throws IOException {
        String file = System.getProperty("chaos.result");
        if (file != null) {
            Files.writeString(Path.of(file), summary + System.lineSeparator());
        }
    }
}
