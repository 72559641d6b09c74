/**
 * Measures what one engine cycle costs over a large simulated cluster, and what the detector pass alone costs.
 * Run {@link org.distributedtesting.recovery.examples.bench.CycleBenchmark}.
 */
module org.distributedtesting.recovery.examples.bench {
    requires org.distributedtesting.recovery.strategies;

    exports org.distributedtesting.recovery.examples.bench;
}
