package org.distributedtesting.recovery.core.monitor;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.distributedtesting.recovery.RecoveryEvent;
import org.distributedtesting.recovery.RecoveryListener;
import org.distributedtesting.recovery.core.RecoveryEngine;
import org.distributedtesting.recovery.core.config.MessageText;
import org.distributedtesting.recovery.core.journal.JournalAppendListener;

/**
 * Whether an engine running on an interval is alive and ready, for a health endpoint or a liveness probe: healthy
 * while it completes cycles on time; unhealthy when it has not completed one for {@link #MISSED_INTERVALS} intervals
 * (a cycle stuck, the scheduler dead, every cycle failing), when its journal cannot be written (an append failed,
 * and neither an append nor a whole cycle succeeded since: the engine cannot record its decisions, and a cycle whose
 * record fails does not go on to act), or when it is stopping.
 * Ready once the first cycle has completed.
 *
 * <p>Time comes from the engine's clock. Thread-safe: the engine tells it of events on its cycle thread, a health
 * endpoint asks on its own.
 */
public final class EngineHealth implements RecoveryListener, JournalAppendListener {

    /** How many intervals may pass without a completed cycle before the engine counts as stalled: 3. */
    public static final int MISSED_INTERVALS = 3;

    /** What a check found. */
    public enum Status {
        /** Cycles complete on time. */
        OK,
        /** Started, no cycle completed yet, but the first is not late. */
        STARTING,
        /** No cycle completed for {@link #MISSED_INTERVALS} intervals. */
        STALLED,
        /** The last journal append failed. */
        JOURNAL_FAILING,
        /** The engine is being stopped. */
        STOPPING;

        /** The status's name in a health answer. */
        public String jsonName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * One check.
     *
     * @param status       what it found
     * @param healthy      whether that is healthy (200) or not (503)
     * @param ready        whether the first cycle has completed
     * @param reason       one line saying why, for a person
     * @param lastCycle    when the last cycle completed, if one has
     * @param sinceLast    time since the last completed cycle, or since the watch began when none has
     * @param cycles       cycles completed since the watch began
     * @param interval     the interval the engine runs at
     */
    public record Check(Status status, boolean healthy, boolean ready, String reason, Optional<Instant> lastCycle,
                        Duration sinceLast, long cycles, Duration interval) {
        /** @throws NullPointerException if an argument is null */
        public Check {
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(lastCycle, "lastCycle");
            Objects.requireNonNull(sinceLast, "sinceLast");
            Objects.requireNonNull(interval, "interval");
        }
    }

    private final Clock clock;
    private final Duration interval;
    private final Instant since;
    private volatile Instant lastCycle;
    private volatile long cycles;
    private volatile String journalError;
    private volatile boolean stopping;
    private volatile RecoveryEvent.RoleChanged role;

    /**
     * A health watch that starts now; tell it of events with {@link #onEvent} and of journal appends with
     * {@link #appended}/{@link #appendFailed}, or use {@link #watch}.
     *
     * @param interval the interval the engine runs at ({@link RecoveryEngine#start(Duration)})
     * @throws IllegalArgumentException if {@code interval} is not positive
     */
    public EngineHealth(Clock clock, Duration interval) {
        this.clock = Objects.requireNonNull(clock, "clock");
        if (interval.isZero() || interval.isNegative()) {
            throw new IllegalArgumentException("interval must be > 0, but was " + interval);
        }
        this.interval = interval;
        this.since = clock.instant();
    }

    /** A health watch of {@code engine}, which runs (or will) at {@code interval}: registered as its listener. */
    public static EngineHealth watch(RecoveryEngine engine, Duration interval) {
        EngineHealth health = new EngineHealth(engine.clock(), interval);
        engine.addListener(health);
        engine.addJournalListener(health);
        return health;
    }

    @Override
    public void onEvent(RecoveryEvent event) {
        if (event instanceof RecoveryEvent.RoleChanged changed) {
            role = changed;
        }
        if (event instanceof RecoveryEvent.CycleCompleted completed) {
            // a failed append aborts its cycle, so a completed cycle journaled everything it decided
            journalError = null;
            lastCycle = completed.at();
            cycles++; // only the engine's cycle thread writes it
        }
    }

    @Override
    public void appended(Duration took) {
        journalError = null;
    }

    @Override
    public void appendFailed(Duration took, RuntimeException error) {
        // an UncheckedIOException made from an IOException alone repeats its class name: say what the cause says
        Throwable said = error instanceof java.io.UncheckedIOException && error.getCause() != null
                && error.getMessage() != null && error.getMessage().equals(error.getCause().toString())
                ? error.getCause() : error;
        String message = said.getMessage() == null ? said.getClass().getSimpleName() : said.getMessage();
        journalError = MessageText.escape(message);
    }

    /** The engine is being stopped: every later check is unhealthy. */
    public void stopping() {
        stopping = true;
    }

    /**
     * The engine's last change of role, when it is one of several on a cluster (active or standby, its epoch, why);
     * empty for a lone engine, or before its first cycle. A standby is healthy: detecting and reporting is its job.
     */
    public Optional<RecoveryEvent.RoleChanged> role() {
        return Optional.ofNullable(role);
    }

    /** Whether the first cycle has completed. */
    public boolean ready() {
        return lastCycle != null;
    }

    /** Checks now. */
    public Check check() {
        Instant now = clock.instant();
        Instant last = lastCycle;
        Duration sinceLast = Duration.between(last == null ? since : last, now);
        boolean ready = last != null;
        Duration limit = interval.multipliedBy(MISSED_INTERVALS);
        String error = journalError;
        Optional<Instant> at = Optional.ofNullable(last);
        if (stopping) {
            return new Check(Status.STOPPING, false, ready, "the daemon is stopping", at, sinceLast, cycles, interval);
        }
        if (error != null) {
            return new Check(Status.JOURNAL_FAILING, false, ready, "the journal cannot be written: " + error, at,
                    sinceLast, cycles, interval);
        }
        if (sinceLast.compareTo(limit) > 0) {
            String what = last == null ? "no cycle has completed since the start, " + seconds(sinceLast) + " ago"
                    : "the last cycle completed " + seconds(sinceLast) + " ago";
            return new Check(Status.STALLED, false, ready, what + ": more than " + MISSED_INTERVALS + " intervals of "
                    + seconds(interval), at, sinceLast, cycles, interval);
        }
        if (!ready) {
            return new Check(Status.STARTING, true, false, "started " + seconds(sinceLast) + " ago; the first cycle"
                    + " has not completed yet", at, sinceLast, cycles, interval);
        }
        return new Check(Status.OK, true, true, "the last cycle completed " + seconds(sinceLast) + " ago", at,
                sinceLast, cycles, interval);
    }

    private static String seconds(Duration d) {
        return String.format(java.util.Locale.ROOT, "%.1f s", d.toNanos() / 1e9);
    }
}
