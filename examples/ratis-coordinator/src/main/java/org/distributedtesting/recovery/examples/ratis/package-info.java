/**
 * A coordinator for a distributed testing framework: a registry of test tasks and workers replicated with Apache
 * Ratis and materialized in SQLite on every node, each node its own process with its own data directory, watched and
 * recovered through the node protocol.
 *
 * <p>Start here: {@link org.distributedtesting.recovery.examples.ratis.CoordinatorNode} (a node),
 * {@link org.distributedtesting.recovery.examples.ratis.CoordinatorClient} (submit tasks),
 * {@link org.distributedtesting.recovery.examples.ratis.CoordinatorNodeControl} (recovery actions on a running node)
 * and {@link org.distributedtesting.recovery.examples.ratis.LocalDataDirControl} (data actions on a stopped one).
 */
package org.distributedtesting.recovery.examples.ratis;
