/**
 * A JUnit 5 extension for tests on the simulated cluster:
 * {@link org.distributedtesting.recovery.core.sim.junit.SimulatedClusterExtension} injects a
 * {@link org.distributedtesting.recovery.core.sim.SimulatedCluster} configured by
 * {@link org.distributedtesting.recovery.core.sim.junit.SimCluster} and a
 * {@link org.distributedtesting.recovery.core.sim.harness.SimulatedRecovery} configured by
 * {@link org.distributedtesting.recovery.core.sim.junit.SimRecovery}.
 * {@link org.distributedtesting.recovery.core.sim.junit.SimSeeds} runs a test over many seeds (a list, a range or
 * random ones), one invocation named {@code seed N} per seed, and {@code -Dsim.seed=N} replays one. When a test
 * fails, its message names the seed and sums up the cluster, and the full report (nodes, trace, journals) is
 * published as the test's report entry {@code sim.report} and printed to standard error.
 * {@link org.distributedtesting.recovery.core.sim.junit.RecoveryStrategyContract} is the suite every strategy must
 * pass.
 *
 * <p>JUnit Jupiter's API is an optional dependency of recovery-core: only tests load this package, and they have
 * JUnit on their class path anyway.
 */
package org.distributedtesting.recovery.core.sim.junit;
