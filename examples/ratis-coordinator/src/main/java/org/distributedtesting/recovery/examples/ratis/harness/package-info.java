/**
 * A harness that runs the real thing end to end: coordinator nodes as child JVMs on loopback, the recovery daemon
 * ({@code recovery.jar --daemon}) as a child process supervising them, a client writing tasks continuously, fault
 * injection (SIGKILL, flipped bytes, hung or slowed applies, applies that store a wrong result, a filled disk), and
 * the checks afterwards (one leader, equal checksums at the same applied index, the clients' history on every node
 * ({@link org.distributedtesting.recovery.examples.ratis.harness.HistoryChecker}), detection and recovery times
 * from the daemon's journal). Used by the integration tests, {@link
 * org.distributedtesting.recovery.examples.ratis.harness.RecoveryTimesMain} and the demo.
 *
 * <p>Start here: {@link org.distributedtesting.recovery.examples.ratis.harness.ClusterHarness}, a facade that wires
 * its parts together and keeps their lifecycle; none of them knows it, each is given what it needs:
 * {@code ClusterFiles} (the directory, the control token, {@code cluster.json}, the journal), {@code ClusterLayout}
 * (ports from {@code PortPicker}, data directories, command lines, the network of fault proxies),
 * {@code NodeProcesses} (start, pid, SIGKILL, stop), {@code ClusterProbe} and {@code Leadership} (status, the agreed
 * leader), {@link org.distributedtesting.recovery.examples.ratis.harness.Faults},
 * {@link org.distributedtesting.recovery.examples.ratis.harness.ClusterHealth},
 * {@link org.distributedtesting.recovery.examples.ratis.harness.ClusterState}, {@code HistoryVerification} and
 * {@code Diagnostics}.
 */
package org.distributedtesting.recovery.examples.ratis.harness;
