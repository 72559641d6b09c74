package org.distributedtesting.recovery.strategies.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.RecoveryEvent;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.Severity;
import org.distributedtesting.recovery.core.alert.AlertRouter;
import org.distributedtesting.recovery.core.config.AlertsConfig;
import org.distributedtesting.recovery.core.config.AlertsConfig.Events;
import org.distributedtesting.recovery.core.config.AlertsConfig.SecretSource;
import org.distributedtesting.recovery.core.config.AlertsConfig.Sink;
import org.distributedtesting.recovery.core.config.AlertsConfig.SinkType;
import org.distributedtesting.recovery.core.journal.InMemoryJournal;
import org.distributedtesting.recovery.core.sim.SimulatedCluster;
import org.distributedtesting.recovery.core.sim.harness.SimulatedRecovery;
import org.distributedtesting.recovery.strategies.BuiltInStrategies;
import org.junit.jupiter.api.Test;

/**
 * A sink whose receiver accepts connections and never answers (a hung webhook) must not delay a cycle: the engine
 * recovers a crash in the simulated cluster at the pace it has without alerts, while every notification waits for its
 * 10 s timeout on the sink's own thread.
 */
class HangingSinkDoesNotDelayTheEngineTest {

    @Test
    void cyclesWithAHangingSinkTakeNoLongerThanItsTimeout() throws Exception {
        // a listening socket nobody accepts from: connections complete in the kernel, no answer ever comes
        try (ServerSocket hung = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Sink sink = new Sink("hung", SinkType.WEBHOOK, Events.ACTIONS, Severity.LOW,
                    List.of(URI.create("http://127.0.0.1:" + hung.getLocalPort() + "/")), Optional.empty(),
                    Optional.of(new SecretSource("alerts.sinks[0].secret_env", Optional.empty(), Optional.of("S"))),
                    Duration.ofSeconds(10), 1000, 5, Duration.ofSeconds(60));
            SimulatedCluster cluster = SimulatedCluster.builder().nodes(3).seed(5).build();
            NodeId leader = cluster.awaitLeader(Duration.ofSeconds(10)).orElseThrow();
            NodeId follower = cluster.nodeIds().stream().filter(n -> !n.equals(leader)).findFirst().orElseThrow();
            try (AlertRouter router = AlertRouter.start(new AlertsConfig("sim", List.of(sink)), Map.of("S", "k"),
                    Path.of("cluster.json"), new InMemoryJournal(), Clock.systemUTC());
                 SimulatedRecovery recovery = SimulatedRecovery.of(cluster, new BuiltInStrategies().strategies(
                         name -> Settings.EMPTY), RecoveryOptions.defaults())) {
                recovery.engine().addListener(router);
                cluster.faults().crash(follower);

                long start = System.nanoTime();
                recovery.runUntilHealthy(Duration.ofMinutes(2));
                Duration wall = Duration.ofNanos(System.nanoTime() - start);

                assertThat(recovery.events(RecoveryEvent.RecoveryVerified.class)).hasSize(1);
                long sent = recovery.events(RecoveryEvent.class).stream()
                        .filter(e -> e.kind() != RecoveryEvent.Kind.CYCLE_COMPLETED).count();
                assertThat(sent).as("notifications queued for the hung sink").isGreaterThanOrEqualTo(3);
                assertThat(wall).as("the whole recovery, while each notification waits 10 s for an answer")
                        .isLessThan(Duration.ofSeconds(5));
                assertThat(router.stats().get(0).delivered()).isZero();
            }
        }
    }
}
