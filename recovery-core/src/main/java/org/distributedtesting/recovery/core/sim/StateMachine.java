package org.distributedtesting.recovery.core.sim;

import java.util.HashMap;
import java.util.Map;
import org.distributedtesting.recovery.IntegrityCheck;

/**
 * A node's state machine and its database: a key-value map materialized on disk, the index it was applied up
 * to, and a running checksum over every applied entry. The database can be corrupted on purpose (bytes flipped in
 * a page); its integrity check then fails, as a real engine's check would.
 *
 * <p>Not thread-safe; the simulation's lock guards it.
 */
final class StateMachine {

    /**
     * The rows, in no order: they are looked up by key, counted and copied, and whatever shows them in order
     * ({@link NodeView}) sorts its own copy.
     */
    private final HashMap<String, String> rows = new HashMap<>();
    private long appliedIndex;
    private long checksum = Hashing.FNV_OFFSET;
    /** The checksum at the last applied index that is a multiple of {@link #CHECKPOINT}, and that index (-1: none). */
    private long checkpointIndex;
    private long checkpointChecksum = Hashing.FNV_OFFSET;

    /**
     * Nodes report their checksum at every 16th index, like etcd's hash at a revision: nodes that apply at slightly
     * different speeds still report checksums at the same index, which is what makes them comparable.
     */
    static final long CHECKPOINT = 16;
    private String corruption;

    long appliedIndex() {
        return appliedIndex;
    }

    long checksum() {
        return checksum;
    }

    /** The last checkpoint index, or -1 when none is known since a restore. */
    long checkpointIndex() {
        return checkpointIndex;
    }

    long checkpointChecksum() {
        return checkpointChecksum;
    }

    Map<String, String> rows() {
        return java.util.Collections.unmodifiableMap(rows);
    }

    /**
     * Applies one committed entry. With {@code wrong}, the node computes a wrong result (a state-divergence bug):
     * it stores a different value, so its checksum parts from the others' at this index.
     */
    void apply(LogEntry entry, boolean wrong) {
        String command = entry.command();
        int eq = command.indexOf('=');
        String applied = command;
        if (eq > 0) {
            String key = command.substring(0, eq);
            String value = command.substring(eq + 1) + (wrong ? "#wrong" : "");
            rows.put(key, value);
            applied = key + "=" + value;
        }
        appliedIndex = entry.index();
        checksum = Hashing.mix(Hashing.mix(checksum, entry.index()), applied);
        if (appliedIndex % CHECKPOINT == 0) {
            checkpointIndex = appliedIndex;
            checkpointChecksum = checksum;
        }
    }

    /** Replaces the state with a snapshot's. */
    void restore(Snapshot snapshot) {
        rows.clear();
        rows.putAll(snapshot.state());
        appliedIndex = snapshot.index();
        checksum = snapshot.checksum();
        boolean aligned = appliedIndex % CHECKPOINT == 0;
        checkpointIndex = aligned ? appliedIndex : -1;
        checkpointChecksum = aligned ? checksum : Hashing.FNV_OFFSET;
        corruption = null;
    }

    /** This state as a snapshot at its applied index, with {@code term} the term of that entry. */
    Snapshot snapshot(long term) {
        return new Snapshot(appliedIndex, term, rows, checksum);
    }

    /** Empties the database (it was moved aside). */
    void reset() {
        restore(Snapshot.EMPTY);
    }

    /** Flips bytes in a page of the database. */
    void corrupt(String detail) {
        corruption = detail;
    }

    boolean corrupted() {
        return corruption != null;
    }

    /** The database's integrity check. */
    IntegrityCheck check() {
        if (corruption != null) {
            return IntegrityCheck.failed("integrity check failed: page checksum mismatch (" + corruption + ")");
        }
        return new IntegrityCheck(IntegrityCheck.Status.OK, rows.size() + " rows ok at index " + appliedIndex);
    }

    /** A copy of the database, for moving it aside or restoring another node from it. */
    StateMachine copy() {
        StateMachine copy = new StateMachine();
        copy.rows.putAll(rows);
        copy.appliedIndex = appliedIndex;
        copy.checksum = checksum;
        copy.checkpointIndex = checkpointIndex;
        copy.checkpointChecksum = checkpointChecksum;
        copy.corruption = corruption;
        return copy;
    }
}
