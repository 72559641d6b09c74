/**
 * A cycle benchmark: {@link org.distributedtesting.recovery.examples.bench.CycleBenchmark} builds an engine over
 * many simulated nodes whose probes take a fixed time, runs warm-up and measured cycles, and prints the cycle,
 * probe-phase and detector-pass times next to the time a sequential poller would need.
 */
package org.distributedtesting.recovery.examples.bench;
