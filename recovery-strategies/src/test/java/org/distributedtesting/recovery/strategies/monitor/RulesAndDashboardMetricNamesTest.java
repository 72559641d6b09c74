package org.distributedtesting.recovery.strategies.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.stream.Collectors;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.RecoveryStrategy;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.core.monitor.RecoveryMetrics;
import org.distributedtesting.recovery.core.sim.SimulatedCluster;
import org.distributedtesting.recovery.core.sim.harness.SimulatedRecovery;
import org.distributedtesting.recovery.strategies.BuiltInStrategies;
import org.distributedtesting.recovery.strategies.cli.DaemonRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every metric the shipped alert rules and dashboard name is in a real scrape: the engine's meters and the JVM's, in
 * the Prometheus registry the daemon builds ({@link DaemonRegistry}), after a crash recovery on the simulated
 * cluster. {@link PromQlMetricNames#unknownNames(String)} makes the same check on the running daemon's scrape.
 */
class RulesAndDashboardMetricNamesTest {

    private static String scrape;

    @BeforeAll
    static void scrapeAfterACrashRecovery() {
        SimulatedCluster cluster = SimulatedCluster.builder().nodes(3).seed(5).build();
        NodeId leader = cluster.awaitLeader(Duration.ofSeconds(10)).orElseThrow();
        NodeId follower = cluster.nodeIds().stream().filter(n -> !n.equals(leader)).findFirst().orElseThrow();
        PrometheusMeterRegistry registry = DaemonRegistry.create();
        try (SimulatedRecovery recovery = SimulatedRecovery.of(cluster, strategies(), RecoveryOptions.defaults())) {
            RecoveryMetrics.bind(recovery.engine(), registry);
            cluster.faults().crash(follower);
            recovery.runUntilHealthy(Duration.ofMinutes(2));
            scrape = registry.scrape();
        } finally {
            registry.close();
        }
    }

    @Test
    void everyMetricTheRulesAndDashboardNameIsExposed() {
        SortedMap<String, SortedSet<String>> used = PromQlMetricNames.usedNames();

        assertThat(scrape).as("the scrape follows a verified recovery")
                .contains("coordinator_recovery_recoveries_total{outcome=\"verified\",type=\"process_crash\"} 1");
        assertThat(used.values().stream().flatMap(Set::stream).map(where -> where.substring(0, where.indexOf(':'))))
                .as("the names come from both files").contains(MonitoringFiles.RULES, MonitoringFiles.DASHBOARD);
        assertThat(PromQlMetricNames.unknownNames(scrape))
                .as("names used in the rules or dashboard (with where) that the scrape does not expose")
                .isEmpty();
    }

    @Test
    void aNameTheScrapeLacksIsReportedWithWhereItIsUsed() {
        String missing = PromQlMetricNames.usedNames().keySet().stream()
                .filter(name -> !PromQlMetricNames.PROMETHEUS_SERIES.contains(name)).findFirst().orElseThrow();
        String without = scrape.lines()
                .filter(line -> !line.startsWith(missing + "{") && !line.startsWith(missing + " "))
                .collect(Collectors.joining("\n"));

        SortedMap<String, SortedSet<String>> unknown = PromQlMetricNames.unknownNames(without);

        assertThat(unknown).containsOnlyKeys(missing);
        assertThat(unknown.get(missing)).isEqualTo(PromQlMetricNames.usedNames().get(missing));
    }

    private static List<RecoveryStrategy> strategies() {
        return new BuiltInStrategies().strategies(name -> Settings.EMPTY);
    }
}
