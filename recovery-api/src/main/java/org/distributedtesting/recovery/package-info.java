/**
 * The contracts of Coordinator Recovery: how nodes are observed ({@link org.distributedtesting.recovery.NodeProbe},
 * {@link org.distributedtesting.recovery.NodeObservation}, {@link org.distributedtesting.recovery.ClusterSnapshot}),
 * how failures are found ({@link org.distributedtesting.recovery.FailureDetector},
 * {@link org.distributedtesting.recovery.Failure}), how they are recovered
 * ({@link org.distributedtesting.recovery.RecoveryStrategy}, {@link org.distributedtesting.recovery.Action},
 * {@link org.distributedtesting.recovery.NodeControl}) and how it is recorded
 * ({@link org.distributedtesting.recovery.JournalRecord}, {@link org.distributedtesting.recovery.RecoveryEvent}).
 *
 * <p>This package depends on nothing but the JDK.
 */
package org.distributedtesting.recovery;
