/**
 * Several engines (daemons on several hosts) watching one cluster, one of them acting: the {@link
 * org.distributedtesting.recovery.core.coordination.Coordination} an engine is given decides which one is active,
 * hands it a fencing epoch, and keeps the ledger they share. {@code coordination.zookeeper} implements it on Apache
 * ZooKeeper through Apache Curator.
 */
package org.distributedtesting.recovery.core.coordination;
