/**
 * JMH benchmarks of the detect stage ({@link org.distributedtesting.recovery.examples.bench.jmh.DetectorPassBenchmark}),
 * of building the snapshot and history ({@link org.distributedtesting.recovery.examples.bench.jmh.SnapshotBuildBenchmark})
 * and of one simulated scenario ({@link org.distributedtesting.recovery.examples.bench.jmh.ScenarioRunBenchmark}).
 */
package org.distributedtesting.recovery.examples.bench.jmh;
