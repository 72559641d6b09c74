package org.distributedtesting.recovery.examples.ratis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.distributedtesting.recovery.StateChecksum;
import org.junit.jupiter.api.Test;

/** Which checksum a node reports: its latest checkpoint while applying, its applied index at rest. */
class ChecksumCheckpointsTest {

    private final MutableClock clock = new MutableClock();
    private final ChecksumCheckpoints checkpoints = new ChecksumCheckpoints(clock);

    @Test
    void reportsTheLatestCheckpointWhileApplyingAndTheAppliedIndexAtRest() {
        applyUpTo(0, 250);

        assertThat(checkpoints.reported()).isEqualTo(checksumAt(200));

        clock.advance(ChecksumCheckpoints.REST);
        assertThat(checkpoints.reported()).isEqualTo(checksumAt(250));

        checkpoints.applied(state(251));
        assertThat(checkpoints.reported()).isEqualTo(checksumAt(200));
    }

    @Test
    void twoNodesApplyingAtDifferentPacesReportTheSameIndexBetweenCheckpoints() {
        ChecksumCheckpoints follower = new ChecksumCheckpoints(clock);
        applyUpTo(0, 437);
        for (long i = 0; i <= 431; i++) {
            follower.applied(state(i));
        }

        assertThat(follower.reported().index()).isEqualTo(checkpoints.reported().index()).isEqualTo(400);
    }

    @Test
    void aStateThatWasNotAppliedEntryByEntryIsTheCheckpoint() {
        applyUpTo(0, 150);
        // a database restored from a replica, at an index that is no multiple of the interval
        checkpoints.applied(state(1234));
        assertThat(checkpoints.reported()).isEqualTo(checksumAt(1234));
        // and one loaded behind the last checkpoint
        checkpoints.applied(state(42));
        assertThat(checkpoints.reported()).isEqualTo(checksumAt(42));
    }

    @Test
    void reportsTheAppliedIndexBeforeTheFirstCheckpointAndNothingBeforeAnyEntry() {
        assertThat(checkpoints.reported()).isNull();
        checkpoints.applied(state(0));
        checkpoints.applied(state(1));
        checkpoints.applied(state(2));

        assertThat(checkpoints.reported()).isEqualTo(checksumAt(0));
    }

    private void applyUpTo(long from, long to) {
        for (long i = from; i <= to; i++) {
            checkpoints.applied(state(i));
            clock.advance(Duration.ofMillis(10));
        }
    }

    private static AppliedState state(long index) {
        return new AppliedState(1, index, StateHash.EMPTY.plus(new StateHash.Row("tasks", "row-" + index)));
    }

    private static StateChecksum checksumAt(long index) {
        return state(index).checksum();
    }

    /** A clock the test moves by hand. */
    private static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-12-03T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
