/**
 * A deterministic simulated Raft coordinator cluster on virtual time: the test harness for strategies and the
 * daemon's {@code --simulate} target. Start with {@link org.distributedtesting.recovery.core.sim.SimulatedCluster}.
 */
package org.distributedtesting.recovery.core.sim;
