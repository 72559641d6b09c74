package org.distributedtesting.recovery.core.engine;

import java.util.ArrayList;
import java.util.List;
import org.distributedtesting.recovery.JournalRecord;
import org.distributedtesting.recovery.core.coordination.Coordination;
import org.distributedtesting.recovery.core.coordination.CoordinationException;
import org.distributedtesting.recovery.core.coordination.Lease;

/** A coordination group in memory: the test says who holds the lease; the shared ledger is a list. */
public final class FakeCoordination {

    public final List<JournalRecord> ledger = new ArrayList<>();
    private String holder;
    private long epoch;
    private boolean storeDown;

    /** Hands the lease to {@code instance} under a new epoch; null: nobody holds it. */
    public synchronized void handTo(String instance) {
        holder = instance;
        epoch++;
    }

    /** The store cannot be read or written (the lease is not affected). */
    public synchronized void storeDown(boolean down) {
        storeDown = down;
    }

    public synchronized long epoch() {
        return epoch;
    }

    public Coordination member(String instance) {
        return new Coordination() {
            private long last;

            @Override
            public String instanceId() {
                return instance;
            }

            @Override
            public Lease lease() {
                synchronized (FakeCoordination.this) {
                    if (instance.equals(holder)) {
                        last = epoch;
                        return Lease.active(epoch, instance + " holds the lease");
                    }
                    return Lease.standby(last, holder == null ? "nobody holds the lease" : holder + " holds the lease");
                }
            }

            @Override
            public List<JournalRecord> sharedLedger() throws CoordinationException {
                synchronized (FakeCoordination.this) {
                    if (storeDown) {
                        throw new CoordinationException("store down");
                    }
                    return List.copyOf(ledger);
                }
            }

            @Override
            public void share(JournalRecord record, long recordEpoch) throws CoordinationException {
                synchronized (FakeCoordination.this) {
                    if (storeDown) {
                        throw new CoordinationException("store down");
                    }
                    if (!instance.equals(holder) || recordEpoch != epoch) {
                        throw new CoordinationException(instance + " no longer holds epoch " + recordEpoch);
                    }
                    ledger.add(record);
                }
            }

            @Override
            public void close() {
            }
        };
    }
}
