package org.distributedtesting.recovery.core.report;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.distributedtesting.recovery.JournalRecord;
import org.distributedtesting.recovery.core.coordination.Coordination;
import org.distributedtesting.recovery.core.coordination.CoordinationException;
import org.distributedtesting.recovery.core.coordination.Lease;
import org.distributedtesting.recovery.core.journal.JournalRecords;
import org.distributedtesting.recovery.core.journal.RecoveryJournal;
import org.distributedtesting.recovery.core.state.Authority;
import org.distributedtesting.recovery.core.state.LedgerRebuild;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal of one of several engines on a cluster: every record says which instance wrote it, in which role and
 * under which epoch ({@value JournalRecords#INSTANCE}, {@value JournalRecords#ROLE}, {@value JournalRecords#EPOCH}),
 * and is appended durably to this instance's own journal. When this instance acts, a record that the ledger needs
 * ({@link LedgerRebuild#matters}) is shared through the {@link Coordination} first, so the next active instance
 * rebuilds the same attempts, quarantines and budget even if this one dies between the two writes. A record the store could not take is kept and shared again
 * before the next one, while this instance holds the same epoch; when it loses the lease, what was not shared is
 * dropped with a warning (the new active instance starts from what the store has).
 *
 * <p>Not thread-safe beyond what the delegate is; the engine appends from its cycle thread.
 */
public final class CoordinatedJournal implements RecoveryJournal {

    private static final Logger LOG = LoggerFactory.getLogger(CoordinatedJournal.class);

    /** Records kept for sharing again at most; past this the oldest is dropped with a warning. */
    static final int MAX_UNSHARED = 1_000;

    private final RecoveryJournal durable;
    private final Authority authority;
    private final Coordination coordination;
    private final Deque<JournalRecord> unshared = new ArrayDeque<>();
    private long unsharedEpoch;

    /**
     * @param durable   this instance's own journal
     * @param authority the lease the engine acts under
     * @throws IllegalArgumentException if the authority has no coordination
     */
    public CoordinatedJournal(RecoveryJournal durable, Authority authority) {
        this.durable = Objects.requireNonNull(durable, "durable");
        this.authority = Objects.requireNonNull(authority, "authority");
        this.coordination = authority.coordination().orElseThrow(() -> new IllegalArgumentException(
                "a coordinated journal needs a coordination"));
    }

    @Override
    public void append(JournalRecord record) {
        Lease lease = authority.held();
        Map<String, Object> details = new LinkedHashMap<>(record.details());
        details.putIfAbsent(JournalRecords.INSTANCE, coordination.instanceId());
        details.putIfAbsent(JournalRecords.ROLE, lease.role());
        details.putIfAbsent(JournalRecords.EPOCH, lease.epoch());
        JournalRecord stamped = new JournalRecord(record.timestamp(), record.action(), details);
        // shared first: a daemon killed between the two writes leaves the record where the next active one reads it;
        // only its own journal, which no other instance reads, may lack it
        if (lease.active() && LedgerRebuild.matters(stamped)) {
            share(stamped, lease.epoch());
        }
        durable.append(stamped);
    }

    private void share(JournalRecord record, long epoch) {
        if (unsharedEpoch != epoch && !unshared.isEmpty()) {
            LOG.warn("{} ledger records of epoch {} were never shared (the store did not take them before the lease"
                    + " changed); the instance that acts next rebuilt its ledger without them", unshared.size(),
                    unsharedEpoch);
            unshared.clear();
        }
        unsharedEpoch = epoch;
        unshared.addLast(record);
        if (unshared.size() > MAX_UNSHARED) {
            unshared.removeFirst();
            LOG.warn("more than {} ledger records wait to be shared; the oldest is dropped", MAX_UNSHARED);
        }
        while (!unshared.isEmpty()) {
            try {
                coordination.share(unshared.peekFirst(), epoch);
            } catch (CoordinationException e) {
                LOG.warn("could not share a ledger record ('{}' at {}) with the other instances, {} waiting; tried"
                        + " again with the next one: {}", unshared.peekFirst().action(),
                        unshared.peekFirst().timestamp(), unshared.size(), e.getMessage());
                return;
            }
            unshared.removeFirst();
        }
    }

    @Override
    public List<JournalRecord> records() {
        return durable.records();
    }

    @Override
    public void saveRecoveryLog() throws IOException {
        durable.saveRecoveryLog();
    }

    @Override
    public void close() {
        durable.close();
    }
}
