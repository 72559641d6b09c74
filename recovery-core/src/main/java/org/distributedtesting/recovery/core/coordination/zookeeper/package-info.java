/**
 * {@link org.distributedtesting.recovery.core.coordination.Coordination} on Apache ZooKeeper through Apache
 * Curator: a leader latch decides the active instance, a persistent sequential znode hands out strictly increasing
 * fencing epochs, and the shared ledger is a list of sequential znodes. Needs curator-recipes on the class path
 * (an optional dependency of this library; the daemon carries it).
 */
package org.distributedtesting.recovery.core.coordination.zookeeper;
