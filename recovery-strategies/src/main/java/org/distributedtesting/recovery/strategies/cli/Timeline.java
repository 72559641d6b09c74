package org.distributedtesting.recovery.strategies.cli;

import java.io.PrintStream;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.RecoveryEvent;
import org.distributedtesting.recovery.RecoveryListener;
import org.distributedtesting.recovery.RungResult;

/**
 * Prints the engine's events as a readable timeline, one line each: detected, each rung and action, verified
 * (with the time to recover), escalated. Cycle events are not printed.
 *
 * <p>Thread-safe: each event is printed with one {@code println}.
 */
final class Timeline implements RecoveryListener {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    private final PrintStream out;

    Timeline(PrintStream out) {
        this.out = Objects.requireNonNull(out, "out");
    }

    @Override
    public void onEvent(RecoveryEvent event) {
        String line = describe(event);
        if (line != null) {
            out.println(TIME.format(event.at()) + "  " + line);
        }
    }

    static String describe(RecoveryEvent event) {
        if (event instanceof RecoveryEvent.FailureConfirmed e) {
            return "DETECTED   " + e.failure().key() + " after " + e.confirmations() + " cycles: "
                    + e.failure().summary();
        }
        if (event instanceof RecoveryEvent.RungAttempted e) {
            String outcome = e.result() instanceof RungResult.Acted ? "acted"
                    : e.result() instanceof RungResult.Skipped ? "skipped" : "failed";
            return "RUNG       " + e.failure().key() + " '" + e.rung() + "' attempt " + e.attempt() + " " + outcome
                    + ": " + e.result().detail();
        }
        if (event instanceof RecoveryEvent.ActionTaken e) {
            String outcome = e.result() instanceof ActionResult.Done ? "done"
                    : e.result() instanceof ActionResult.Failed ? "FAILED"
                    : e.result() instanceof ActionResult.Refused r ? "REFUSED by " + r.guard() : "planned";
            return "ACTION     " + e.action().name() + " on '" + e.action().node() + "': " + outcome + " ("
                    + e.result().detail() + ")";
        }
        if (event instanceof RecoveryEvent.RecoveryVerified e) {
            return "RECOVERED  " + e.failure().key() + " by '" + e.rung() + "' "
                    + String.format(java.util.Locale.ROOT, "%.1f", e.sinceDetected().toMillis() / 1000.0)
                    + " s after it was first seen";
        }
        if (event instanceof RecoveryEvent.RungFailed e) {
            return "NOT FIXED  " + e.failure().key() + " by '" + e.rung() + "': " + e.reason();
        }
        if (event instanceof RecoveryEvent.Escalated e) {
            return "ESCALATED  " + e.failure().key() + (e.nodes().isEmpty() ? "" : ", quarantined " + e.nodes())
                    + ": " + e.reason();
        }
        if (event instanceof RecoveryEvent.FailureCleared e) {
            return "CLEARED    " + e.failure().key() + " went away by itself";
        }
        return null;
    }
}
