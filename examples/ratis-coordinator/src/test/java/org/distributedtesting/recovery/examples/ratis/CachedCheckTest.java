package org.distributedtesting.recovery.examples.ratis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.distributedtesting.recovery.IntegrityCheck;
import org.junit.jupiter.api.Test;

/** What a status answer reads of the node's integrity checks, and when it waits for one. */
class CachedCheckTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration TTL = Duration.ofSeconds(3);

    private final ManualClock clock = new ManualClock();
    private final Deque<Runnable> queued = new ArrayDeque<>();
    private final Executor background = queued::add;
    private final AtomicInteger runs = new AtomicInteger();
    private volatile IntegrityCheck current = ok("fine");
    private final CachedCheck check = new CachedCheck(() -> {
        runs.incrementAndGet();
        return current;
    }, TTL, clock, background);

    @Test
    void theFirstAnswerAfterTheStartCarriesTheStartupVerdictWithoutCheckingAgain() {
        // Given the node checked its data as it started
        check.seed(ok("checked at start"), T0);

        // When the first status answers come, within the ttl
        clock.at(T0.plusSeconds(1));

        // Then they carry that verdict, and no check ran for them
        assertThat(check.get().detail()).isEqualTo("checked at start");
        assertThat(runs).hasValue(0);
        assertThat(queued).isEmpty();
    }

    @Test
    void beforeTheStartupVerdictTheCheckIsUnknownAndNothingRuns() {
        assertThat(check.get()).isEqualTo(CachedCheck.NOT_YET);
        assertThat(check.get().status()).isEqualTo(IntegrityCheck.Status.UNKNOWN);
        assertThat(runs).hasValue(0);
    }

    @Test
    void anExpiredVerdictIsAnsweredAtOnceWhileOneFreshCheckRunsInTheBackground() {
        check.seed(ok("at start"), T0);
        current = IntegrityCheck.failed("page 7 damaged");
        clock.at(T0.plus(TTL));

        // the answer does not wait: the last verdict, and one check queued however often it is asked
        assertThat(check.get().detail()).isEqualTo("at start");
        assertThat(check.get().detail()).isEqualTo("at start");
        assertThat(runs).hasValue(0);
        assertThat(queued).hasSize(1);

        // once it ran, the answers carry its verdict, reused for the ttl
        queued.poll().run();
        assertThat(check.get()).isEqualTo(current);
        clock.at(T0.plus(TTL).plusSeconds(2));
        assertThat(check.get()).isEqualTo(current);
        assertThat(runs).hasValue(1);
        assertThat(queued).isEmpty();
    }

    @Test
    void afterInvalidateTheNextAnswerWaitsForAFreshCheckOfTheDataAsItIsNow() {
        check.seed(ok("at start"), T0);
        current = IntegrityCheck.failed("corrupted by a fault hook");

        check.invalidate();

        assertThat(check.get()).isEqualTo(current);
        assertThat(runs).hasValue(1);
        assertThat(queued).isEmpty();
    }

    @Test
    void aBackgroundCheckOverTakenByAnInvalidateDoesNotOverwriteTheNewerVerdict() {
        check.seed(ok("at start"), T0);
        clock.at(T0.plus(TTL));
        check.get(); // queues a background check, which will read what is current when it runs
        current = IntegrityCheck.failed("repaired? no: damaged after the background check began");
        check.invalidate();
        IntegrityCheck afterInvalidate = check.get();

        current = ok("stale: the data as the late background check saw it");
        queued.poll().run();

        assertThat(check.get()).isEqualTo(afterInvalidate);
    }

    private static IntegrityCheck ok(String detail) {
        return new IntegrityCheck(IntegrityCheck.Status.OK, detail);
    }

    /** A clock the test moves. */
    private static final class ManualClock extends Clock {
        private volatile Instant now = T0;

        void at(Instant instant) {
            now = instant;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
