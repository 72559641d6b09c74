/**
 * Two benchmarks. {@link org.distributedtesting.recovery.examples.bench.CycleBenchmark} builds an engine over
 * many simulated nodes whose probes take a fixed time, runs warm-up and measured cycles, and prints the cycle,
 * probe-phase and detector-pass times next to the time a sequential poller would need.
 * {@link org.distributedtesting.recovery.examples.bench.ScenarioBenchmark} runs a campaign of whole simulated
 * scenarios (elect, write, crash, detect, recover, verify) and prints the wall time per scenario and the
 * scenarios per second.
 */
package org.distributedtesting.recovery.examples.bench;
