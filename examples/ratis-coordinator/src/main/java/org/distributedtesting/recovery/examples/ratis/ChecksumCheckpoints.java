package org.distributedtesting.recovery.examples.ratis;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.distributedtesting.recovery.StateChecksum;

/**
 * Which state checksum the node reports: the one at its current applied index while it is at rest, and the one at
 * its latest checkpoint (every {@value #INTERVAL}th index) while it is busy applying.
 *
 * <p>Why: the daemon finds a diverged state by comparing checksums that a majority of nodes report at one and the
 * same index. Under steady writes every node is at a different index whenever it is probed (the leader an entry or
 * two ahead of its followers), so current checksums are never comparable; checkpoints are, since every node passes
 * the same ones. At rest (the applied index has not moved for {@link #REST}) the nodes stand at one index, and the
 * current checksum says the most. Either way the report is truthful: the checksum of the tables right after the
 * index it names.
 *
 * <p>A state that did not come from applying the next entry (the database loaded at start, a snapshot installed, a
 * copy restored) becomes the checkpoint whatever its index: it is the latest state whose checksum is known.
 *
 * <p>Thread-safe: every method is synchronized.
 */
final class ChecksumCheckpoints {

    /** Entries between two checkpoints. */
    static final long INTERVAL = 100;

    /** How long the applied index must stand still for the node to count as at rest. */
    static final Duration REST = Duration.ofMillis(200);

    private final Clock clock;
    // guarded by this
    private AppliedState current = AppliedState.NONE;
    // guarded by this
    private AppliedState checkpoint = AppliedState.NONE;
    // guarded by this
    private Instant changedAt = Instant.EPOCH;

    ChecksumCheckpoints(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Records the state the database holds now. */
    synchronized void applied(AppliedState state) {
        Objects.requireNonNull(state, "state");
        if (state.index() == current.index()) {
            current = state;
            return;
        }
        boolean next = state.index() == current.index() + 1;
        if (state.index() >= 0 && (!next || state.index() % INTERVAL == 0)) {
            checkpoint = state;
        }
        current = state;
        changedAt = clock.instant();
    }

    /** The checksum to report now, or null before any entry was applied. */
    synchronized StateChecksum reported() {
        boolean atRest = !clock.instant().isBefore(changedAt.plus(REST));
        if (atRest || checkpoint.index() < 0) {
            return current.checksum();
        }
        return checkpoint.checksum();
    }
}
