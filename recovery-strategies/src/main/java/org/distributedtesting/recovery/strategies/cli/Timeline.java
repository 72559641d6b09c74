package org.distributedtesting.recovery.strategies.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.RecoveryEvent;
import org.distributedtesting.recovery.RecoveryListener;
import org.distributedtesting.recovery.core.http.NodeText;

/**
 * Prints the engine's events as a readable timeline, one line each: detected, each rung and action, verified
 * (with the time to recover), escalated. Cycle events are not printed. The live daemon writes wall-clock times
 * ({@link TimeFormat#WALL_CLOCK}); {@code --simulate} writes virtual seconds ({@link TimeFormat#virtual}) and
 * adds the lines of the faults it injected ({@link #injected}).
 *
 * <p>Thread-safe: each event is printed with one {@code println}.
 */
final class Timeline implements RecoveryListener {

    private final PrintStream out;
    private final TimeFormat time;

    /**
     * How a timeline writes a point in time and a span of time.
     *
     * @param at   a point in time, padded so that lines align
     * @param span a span of time, with its unit
     */
    record TimeFormat(Function<Instant, String> at, Function<Duration, String> span) {

        private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS")
                .withZone(ZoneOffset.UTC);

        /** Wall-clock time of day in UTC ({@code 07:12:01.532}), spans in seconds ({@code 2.0 s}). */
        static final TimeFormat WALL_CLOCK = new TimeFormat(CLOCK::format,
                d -> String.format(Locale.ROOT, "%.1f s", seconds(d)));

        /** @throws NullPointerException if an argument is null */
        TimeFormat {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(span, "span");
        }

        /**
         * Seconds of virtual time since {@code epoch} ({@code    12.000s}), spans marked as virtual
         * ({@code 5.0 s (virtual)}).
         */
        static TimeFormat virtual(Instant epoch) {
            Objects.requireNonNull(epoch, "epoch");
            return new TimeFormat(at -> String.format(Locale.ROOT, "%9.3fs", seconds(Duration.between(epoch, at))),
                    d -> String.format(Locale.ROOT, "%.1f s (virtual)", seconds(d)));
        }

        private static double seconds(Duration d) {
            return d.toMillis() / 1000.0;
        }
    }

    /** A timeline of wall-clock times. */
    Timeline(PrintStream out) {
        this(out, TimeFormat.WALL_CLOCK);
    }

    /** A timeline that writes times with {@code time}. */
    Timeline(PrintStream out, TimeFormat time) {
        this.out = Objects.requireNonNull(out, "out");
        this.time = Objects.requireNonNull(time, "time");
    }

    @Override
    public void onEvent(RecoveryEvent event) {
        String line = line(event);
        if (line != null) {
            out.println(line);
        }
    }

    /**
     * The event's line with its time, or null for an event the timeline does not show. Whatever a strategy put into
     * a summary or a reason (text a node reported among it) is printable: one event is one line, and nothing in it
     * can move or colour the terminal.
     */
    String line(RecoveryEvent event) {
        String text = describe(event);
        return text == null ? null : time.at().apply(event.at()) + "  " + NodeText.printable(text, Integer.MAX_VALUE);
    }

    /** The line of a fault injected into a simulated cluster. */
    String injected(Instant at, FailureType type, List<NodeId> nodes, String description) {
        return time.at().apply(at) + "  INJECTED   " + type + " on " + names(nodes) + ": " + description;
    }

    /** The line of a simulated fault that healed before the engine had to act (a partition that closed). */
    String healed(Instant at, FailureType type, List<NodeId> nodes) {
        return time.at().apply(at) + "  HEALED     " + type + " on " + names(nodes) + " healed by itself";
    }

    /** Node ids without brackets: {@code node-3} or {@code node-2, node-4}. */
    static String names(List<NodeId> nodes) {
        return String.join(", ", nodes.stream().map(NodeId::value).toList());
    }

    private static String outcome(ActionResult result) {
        return switch (result.outcome()) {
            case DONE -> "done";
            case FAILED -> "FAILED";
            case REFUSED -> "REFUSED by " + ((ActionResult.Refused) result).guard();
            case PLANNED -> "planned";
        };
    }

    private String describe(RecoveryEvent event) {
        return switch (event.kind()) {
            case FAILURE_CONFIRMED -> {
                RecoveryEvent.FailureConfirmed e = (RecoveryEvent.FailureConfirmed) event;
                yield "DETECTED   " + e.failure().key() + " after " + e.confirmations() + " cycles: "
                        + e.failure().summary();
            }
            case RUNG_ATTEMPTED -> {
                RecoveryEvent.RungAttempted e = (RecoveryEvent.RungAttempted) event;
                yield "RUNG       " + e.failure().key() + " '" + e.rung() + "' attempt " + e.attempt() + " "
                        + e.result().kind().name().toLowerCase(Locale.ROOT) + ": " + e.result().detail();
            }
            case ACTION_TAKEN -> {
                RecoveryEvent.ActionTaken e = (RecoveryEvent.ActionTaken) event;
                yield "ACTION     " + e.action().name() + " on '" + e.action().node() + "': " + outcome(e.result())
                        + " (" + e.result().detail() + ")";
            }
            case NODE_STARTED -> {
                RecoveryEvent.NodeStarted e = (RecoveryEvent.NodeStarted) event;
                yield "STARTED    '" + e.node() + "': " + outcome(e.result()) + " (" + e.result().detail() + "; "
                        + e.reason() + ")";
            }
            case RECOVERY_VERIFIED -> {
                RecoveryEvent.RecoveryVerified e = (RecoveryEvent.RecoveryVerified) event;
                yield "RECOVERED  " + e.failure().key() + " by '" + e.rung() + "' "
                        + time.span().apply(e.sinceDetected()) + " after it was first seen";
            }
            case RUNG_FAILED -> {
                RecoveryEvent.RungFailed e = (RecoveryEvent.RungFailed) event;
                yield "NOT FIXED  " + e.failure().key() + " by '" + e.rung() + "': " + e.reason();
            }
            case ESCALATED -> {
                RecoveryEvent.Escalated e = (RecoveryEvent.Escalated) event;
                yield "ESCALATED  " + e.failure().key() + ", quarantined " + e.nodes() + ": " + e.reason();
            }
            case ACTION_BUDGET_EXHAUSTED -> {
                RecoveryEvent.ActionBudgetExhausted e = (RecoveryEvent.ActionBudgetExhausted) event;
                yield "ESCALATED  " + e.failure().key() + ": " + e.reason();
            }
            case RECOVERY_DEFERRED -> {
                RecoveryEvent.RecoveryDeferred e = (RecoveryEvent.RecoveryDeferred) event;
                yield "DEFERRED   " + e.failure().key() + " by " + e.guard()
                        + e.until().map(u -> " until " + time.at().apply(u).strip()).orElse("") + ": " + e.reason();
            }
            // also after a rung acted whose verification was cut short (preempted): the journal says which
            case FAILURE_CLEARED -> "CLEARED    " + ((RecoveryEvent.FailureCleared) event).failure().key()
                    + " no longer detected";
            // the escalation's line names the quarantined nodes; pre-emptions, releases and half-open nodes are in
            // the journal
            case ROLE_CHANGED -> {
                RecoveryEvent.RoleChanged e = (RecoveryEvent.RoleChanged) event;
                yield (e.active() ? "ACTIVE     " : "STANDBY    ") + e.instance()
                        + (e.active() ? " acts, epoch " + e.epoch() : " acts on nothing") + ": " + e.reason();
            }
            case NODE_QUARANTINED, RECOVERY_PREEMPTED, NODE_HALF_OPEN, NODE_RELEASED, CYCLE_COMPLETED -> null;
        };
    }
}
