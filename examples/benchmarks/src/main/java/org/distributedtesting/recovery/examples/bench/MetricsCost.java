package org.distributedtesting.recovery.examples.bench;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.RecoveryStrategy;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.core.RecoveryEngine;
import org.distributedtesting.recovery.core.StrategyRegistry;
import org.distributedtesting.recovery.core.monitor.RecoveryMetrics;

/**
 * What the engine's meters cost: the same engine cycles over N simulated nodes (all ten strategies, dry run, a few
 * nodes down) without meters and with {@link RecoveryMetrics} bound to a Prometheus registry, timed around the whole
 * {@code runCycle()} call (so the listeners that update the meters are included), alternating the two engines so
 * that a drift of the machine hits both alike; and what one scrape of that registry costs and weighs.
 *
 * <pre>
 * java -cp examples/benchmarks/target/cycle-benchmark.jar \
 *     org.distributedtesting.recovery.examples.bench.MetricsCost [--nodes 1000] [--probe-ms 0] [--cycles 300]
 * </pre>
 */
public final class MetricsCost {

    private MetricsCost() {
    }

    /** Runs the comparison and prints a table. */
    public static void main(String[] args) {
        int nodes = 1000;
        int probeMs = 0;
        int cycles = 300;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--nodes" -> nodes = Integer.parseInt(args[++i]);
                case "--probe-ms" -> probeMs = Integer.parseInt(args[++i]);
                case "--cycles" -> cycles = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println("usage: MetricsCost [--nodes N] [--probe-ms P] [--cycles C]; unknown option '"
                            + args[i] + "'");
                    System.exit(2);
                }
            }
        }
        List<RecoveryStrategy> strategies = StrategyRegistry.discover(name -> Settings.EMPTY).all();
        int crashed = BenchmarkOptions.defaultCrashed(nodes);
        Duration latency = Duration.ofMillis(probeMs);
        SimulatedNodes plainNodes = new SimulatedNodes(nodes, crashed, latency);
        SimulatedNodes meteredNodes = new SimulatedNodes(nodes, crashed, latency);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        List<Duration> plain = new ArrayList<>();
        List<Duration> metered = new ArrayList<>();
        List<Duration> scrapes = new ArrayList<>();
        int scrapeBytes = 0;
        try (RecoveryEngine without = engine(plainNodes, strategies);
             RecoveryEngine with = engine(meteredNodes, strategies)) {
            RecoveryMetrics.bind(with, registry);
            int warmup = Math.max(20, cycles / 5);
            for (int i = 0; i < warmup + cycles; i++) {
                Duration a = timed(without);
                Duration b = timed(with);
                long start = System.nanoTime();
                String scrape = registry.scrape();
                Duration s = Duration.ofNanos(System.nanoTime() - start);
                if (i >= warmup) {
                    plain.add(a);
                    metered.add(b);
                    scrapes.add(s);
                    scrapeBytes = scrape.length();
                }
            }
        }
        Stats p = Stats.of(plain);
        Stats m = Stats.of(metered);
        System.out.printf(Locale.ROOT, "Coordinator Recovery: the cost of metrics on an engine cycle%n");
        System.out.printf(Locale.ROOT, "  machine  Java %s, %d CPUs%n", System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors());
        System.out.printf(Locale.ROOT, "  cluster  %d simulated nodes, %d down, probe latency %d ms, %d strategies,"
                + " dry run; %d measured cycles each%n%n", nodes, crashed, probeMs, strategies.size(), cycles);
        System.out.printf(Locale.ROOT, "  %-36s %12s %12s %12s%n", "runCycle(), listeners included", "median", "p90",
                "max");
        row("without a registry", p);
        row("with RecoveryMetrics (Prometheus)", m);
        System.out.printf(Locale.ROOT, "  %-36s %12s%n", "metrics cost per cycle (median)",
                BenchmarkResult.ms(m.median().minus(p.median())));
        row("one scrape of the registry", Stats.of(scrapes));
        System.out.printf(Locale.ROOT, "  scrape size: %d bytes (%d nodes)%n", scrapeBytes, nodes);
    }

    private static RecoveryEngine engine(SimulatedNodes nodes, List<RecoveryStrategy> strategies) {
        return RecoveryEngine.builder().nodes(nodes.specs()).probe(nodes).supervisor(nodes).strategies(strategies)
                .options(RecoveryOptions.builder().dryRun(true).build()).build();
    }

    private static Duration timed(RecoveryEngine engine) {
        long start = System.nanoTime();
        engine.runCycle();
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private static void row(String label, Stats stats) {
        System.out.printf(Locale.ROOT, "  %-36s %12s %12s %12s%n", label, BenchmarkResult.ms(stats.median()),
                BenchmarkResult.ms(stats.p90()), BenchmarkResult.ms(stats.max()));
    }
}
