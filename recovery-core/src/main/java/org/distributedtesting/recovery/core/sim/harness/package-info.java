/**
 * Running the recovery engine on the simulated cluster in tests, with no test framework in the way:
 * {@link org.distributedtesting.recovery.core.sim.harness.SimulatedRecovery} binds an engine, an in-memory journal
 * and an event record to a {@link org.distributedtesting.recovery.core.sim.SimulatedCluster};
 * {@link org.distributedtesting.recovery.core.sim.harness.SimReport} renders what happened for people. The JUnit 5
 * extension ({@code sim.junit}) and the AssertJ assertions ({@code sim.assertj}) build on it.
 */
package org.distributedtesting.recovery.core.sim.harness;
