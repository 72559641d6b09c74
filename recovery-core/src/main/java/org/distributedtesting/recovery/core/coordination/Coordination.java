package org.distributedtesting.recovery.core.coordination;

import java.util.List;
import org.distributedtesting.recovery.JournalRecord;

/**
 * How several engines watching one cluster agree that exactly one of them acts. Every engine probes, detects and
 * reports; only the one whose {@link #lease()} is active plans and acts, and it sends its lease's fencing epoch with
 * every control request, so that a node refuses an instance that lost the lease and does not know it yet. The
 * attempts, backoff, quarantines and action budget live in the shared ledger, so a takeover does not hand a
 * crash-looping node a fresh budget.
 *
 * <p>The engine asks {@link #lease()} at the start of every cycle and again before every action; an implementation
 * must answer from memory, at once, and must stop answering "active" as soon as it may have lost the lease (its
 * connection to the store suspended), before the store can hand the lease to another instance. When the store is
 * unreachable every instance stands by: nobody acts rather than two.
 *
 * <p>Implementations must be thread-safe. {@link org.distributedtesting.recovery.core.coordination.zookeeper
 * .ZooKeeperCoordination} is the one this library ships.
 */
public interface Coordination extends AutoCloseable {

    /** This instance's id in the group, unique among the instances watching the cluster. */
    String instanceId();

    /** What this instance may do now; answers from memory, never blocks, never throws. */
    Lease lease();

    /**
     * The shared ledger: the records every active instance {@link #share shared}, oldest first. The engine rebuilds
     * its ledger from them when it becomes active.
     *
     * @throws CoordinationException if the store cannot be read
     */
    List<JournalRecord> sharedLedger() throws CoordinationException;

    /**
     * Adds a record that the ledger needs (a rung, an action, a quarantine...) to the shared ledger, written by the
     * instance that holds {@code epoch}.
     *
     * @throws CoordinationException if the store cannot be written, or {@code epoch} is no longer the newest
     */
    void share(JournalRecord record, long epoch) throws CoordinationException;

    /** Leaves the group (an active instance gives up its lease) and releases the connection. Idempotent. */
    @Override
    void close();
}
