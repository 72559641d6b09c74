/**
 * Measures what one engine cycle costs over a large simulated cluster, what the detector pass alone costs,
 * what one whole simulated scenario costs, and the packaged daemon's own footprint. Run
 * {@link org.distributedtesting.recovery.examples.bench.CycleBenchmark},
 * {@link org.distributedtesting.recovery.examples.bench.DaemonFootprint}
 * or {@link org.distributedtesting.recovery.examples.bench.ScenarioBenchmark}.
 */
module org.distributedtesting.recovery.examples.bench {
    requires org.distributedtesting.recovery.strategies;
    requires micrometer.core;
    requires micrometer.registry.prometheus;

    exports org.distributedtesting.recovery.examples.bench;
}
