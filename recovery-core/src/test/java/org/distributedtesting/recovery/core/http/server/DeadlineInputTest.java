package org.distributedtesting.recovery.core.http.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.distributedtesting.recovery.core.engine.MutableClock;
import org.junit.jupiter.api.Test;

/** {@link DeadlineInput} on a fake clock: the deadline holds however a client spaces its bytes. */
class DeadlineInputTest {

    private final MutableClock clock = MutableClock.atEpoch();
    private final List<Integer> timeoutsSet = new ArrayList<>();

    @Test
    void aClientThatTricklesWithoutEverPausingLongIsCutAtTheDeadline() throws IOException {
        // Given a client that sends one byte every 100 ms, far inside any read timeout
        DeadlineInput in = new DeadlineInput(trickle(Duration.ofMillis(100)), timeoutsSet::add, clock);
        in.until(clock.instant().plus(Duration.ofSeconds(1)), "request headers", Duration.ofSeconds(1));

        // When it is read byte by byte
        int read = 0;
        Throwable failure = null;
        while (failure == null) {
            failure = catchThrowable(in::read);
            read += failure == null ? 1 : 0;
        }

        // Then the reads end at the deadline, each waiting at most for the time left
        assertThat(failure).isInstanceOf(DeadlineInput.Exceeded.class)
                .hasMessage("request headers not received within PT1S");
        assertThat(read).isEqualTo(10);
        assertThat(timeoutsSet).containsExactly(1000, 900, 800, 700, 600, 500, 400, 300, 200, 100);
    }

    @Test
    void aReadTimeoutIsTheDeadlinePassing() {
        // Given a socket whose read times out (the time left passed without a byte)
        InputStream silent = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new SocketTimeoutException("Read timed out");
            }
        };
        DeadlineInput in = new DeadlineInput(silent, timeoutsSet::add, clock);
        in.until(clock.instant().plus(Duration.ofSeconds(10)), "request body", Duration.ofSeconds(10));

        // When it is read, Then the part is late, whatever the clock says
        assertThat(catchThrowable(in::read)).isInstanceOf(DeadlineInput.Exceeded.class)
                .hasMessage("request body not received within PT10S")
                .hasCauseInstanceOf(SocketTimeoutException.class);
    }

    @Test
    void lessThanAMillisecondLeftStillWaitsAMillisecondNotForEver() throws IOException {
        // Given 0.3 ms left (a socket timeout of 0 would wait for ever)
        DeadlineInput in = new DeadlineInput(trickle(Duration.ZERO), timeoutsSet::add, clock);
        in.until(clock.instant().plus(Duration.ofNanos(300_000)), "request body", Duration.ofSeconds(10));

        // When it is read
        in.read();

        // Then the wait is rounded up to 1 ms
        assertThat(timeoutsSet).containsExactly(1);
    }

    @Test
    void aReadAtTheDeadlineFailsWithoutWaiting() {
        DeadlineInput in = new DeadlineInput(trickle(Duration.ZERO), timeoutsSet::add, clock);
        in.until(clock.instant(), "request headers", Duration.ofSeconds(5));

        assertThat(catchThrowable(in::read)).isInstanceOf(DeadlineInput.Exceeded.class);
        assertThat(timeoutsSet).isEmpty();
    }

    /** A client that sends one byte each {@code gap} of the fake clock. */
    private InputStream trickle(Duration gap) {
        return new InputStream() {
            @Override
            public int read() {
                clock.advance(gap);
                return 'a';
            }

            @Override
            public int read(byte[] b, int off, int len) {
                b[off] = (byte) read();
                return 1;
            }
        };
    }
}
