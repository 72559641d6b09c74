/**
 * Running the recovery engine on the simulated cluster in tests, with no test framework in the way:
 * {@link org.distributedtesting.recovery.core.sim.harness.SimulatedRecovery} binds an engine, an in-memory journal
 * and an event record to a {@link org.distributedtesting.recovery.core.sim.SimulatedCluster};
 * {@link org.distributedtesting.recovery.core.sim.harness.SimReport} renders what happened for people. The JUnit 5
 * extension ({@code sim.junit}) and the AssertJ assertions ({@code sim.assertj}) build on it.
 *
 * <p>Three types a test meets through {@code SimulatedRecovery} live in the engine's packages, because the daemon
 * and embedders use them too, and are part of the test kit all the same:
 * {@link org.distributedtesting.recovery.core.SettleReport} (what
 * {@link org.distributedtesting.recovery.core.sim.harness.SimulatedRecovery#runUntilHealthy} returns: healthy or
 * not, the failures remaining, cycles and virtual time taken),
 * {@link org.distributedtesting.recovery.core.CycleReport} (one cycle: what it detected, verified and escalated,
 * and whether the engine is stuck) and {@link org.distributedtesting.recovery.core.journal.InMemoryJournal} (the
 * journal, whose {@code records(action)} a test filters by journal action name, such as
 * {@code ActionKind.RESTART.journalName()}).
 */
package org.distributedtesting.recovery.core.sim.harness;
