package org.distributedtesting.recovery.strategies.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.distributedtesting.recovery.NodeObservation;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.core.CycleReport;
import org.distributedtesting.recovery.core.RecoveryEngine;
import org.distributedtesting.recovery.core.http.HttpNodeProbe;
import org.distributedtesting.recovery.strategies.ProcessCrashStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real node process that accepts connections and never answers does not hold a cycle past its deadline. */
class HangingNodeIT {

    @TempDir
    Path dir;

    @Test
    void aHangingNodeIsUnreachableWithinTheProbeDeadline() throws Exception {
        try (StandInCluster cluster = new StandInCluster(dir, 3, 3);
             HttpNodeProbe probe = HttpNodeProbe.builder().build();
             RecoveryEngine engine = RecoveryEngine.builder().nodes(cluster.nodes).probe(probe)
                     .strategy(new ProcessCrashStrategy())
                     .options(RecoveryOptions.builder().probeTimeout(Duration.ofMillis(500)).build()).build()) {
            cluster.start();
            for (int i = 0; i < 3; i++) {
                long start = System.nanoTime();
                CycleReport report = engine.runCycle();
                Duration wall = Duration.ofNanos(System.nanoTime() - start);
                assertThat(report.snapshot().observation(cluster.node(3).id()))
                        .isInstanceOf(NodeObservation.Unreachable.class);
                assertThat(report.snapshot().reachable()).hasSize(2);
                assertThat(wall).isLessThan(Duration.ofMillis(500 + 700));
            }
        }
    }
}
