/**
 * A JUnit 5 extension for tests on the simulated cluster:
 * {@link org.distributedtesting.recovery.core.sim.junit.SimulatedClusterExtension} injects a
 * {@link org.distributedtesting.recovery.core.sim.SimulatedCluster} configured by
 * {@link org.distributedtesting.recovery.core.sim.junit.SimCluster} and a
 * {@link org.distributedtesting.recovery.core.sim.harness.SimulatedRecovery} configured by
 * {@link org.distributedtesting.recovery.core.sim.junit.SimRecovery}, and prints the cluster's trace and the
 * journals when a test fails.
 *
 * <p>JUnit Jupiter's API is an optional dependency of recovery-core: only tests load this package, and they have
 * JUnit on their class path anyway.
 */
package org.distributedtesting.recovery.core.sim.junit;
