/**
 * A harness that runs the real thing end to end: coordinator nodes as child JVMs on loopback, the recovery daemon
 * ({@code recovery.jar --daemon}) as a child process supervising them, a client writing tasks continuously, fault
 * injection (SIGKILL, flipped bytes, hung or slowed applies, applies that store a wrong result, a filled disk), and
 * the checks afterwards (one leader, equal checksums at the same applied index, the clients' history on every node
 * ({@link org.distributedtesting.recovery.examples.ratis.harness.HistoryChecker}), detection and recovery times
 * from the daemon's journal). Used by the integration tests, {@link
 * org.distributedtesting.recovery.examples.ratis.harness.RecoveryTimesMain} and the demo.
 *
 * <p>Start here: {@link org.distributedtesting.recovery.examples.ratis.harness.ClusterHarness}.
 */
package org.distributedtesting.recovery.examples.ratis.harness;
