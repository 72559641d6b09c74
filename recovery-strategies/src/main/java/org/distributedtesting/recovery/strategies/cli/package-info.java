/**
 * The command-line daemon: {@code java -jar recovery.jar --config cluster.json --daemon}, or
 * {@code java -jar recovery.jar --simulate} against a simulated cluster in virtual time. A host can run it in its
 * own JVM with {@link org.distributedtesting.recovery.strategies.cli.RecoveryDaemon#run}.
 */
package org.distributedtesting.recovery.strategies.cli;
