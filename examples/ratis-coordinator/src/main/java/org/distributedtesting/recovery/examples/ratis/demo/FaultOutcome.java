package org.distributedtesting.recovery.examples.ratis.demo;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.distributedtesting.recovery.examples.ratis.harness.Injection;
import org.distributedtesting.recovery.examples.ratis.harness.JournalEntry;

/**
 * What became of one injected fault: when the daemon confirmed it and verified its recovery (from its journal,
 * counted from the injection), the rungs it tried, and whether the cluster was healthy again afterwards.
 *
 * <p>Immutable and thread-safe.
 *
 * @param fault      the fault
 * @param node       the node it was injected into, or "-" when the injection failed
 * @param injectedAt when it was injected, empty when the injection failed
 * @param detected   from the injection to the daemon's {@code failure_detected}, if it came
 * @param recovered  from the injection to the daemon's {@code recovery_verified}, if it came
 * @param rungs      the rungs the daemon tried, in order
 * @param outcome    {@code recovered}, or what went wrong
 * @param ok         whether the fault was recovered and the cluster was healthy afterwards
 */
record FaultOutcome(DemoFault fault, String node, Optional<Instant> injectedAt, Optional<Duration> detected,
                    Optional<Duration> recovered, List<String> rungs, String outcome, boolean ok) {

    /** @throws NullPointerException if an argument is null */
    FaultOutcome {
        Objects.requireNonNull(fault, "fault");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(injectedAt, "injectedAt");
        Objects.requireNonNull(detected, "detected");
        Objects.requireNonNull(recovered, "recovered");
        rungs = List.copyOf(rungs);
        Objects.requireNonNull(outcome, "outcome");
    }

    /** A fault that could not be injected, or was not because the demo stopped before it. */
    static FaultOutcome notInjected(DemoFault fault, String why) {
        return new FaultOutcome(fault, "-", Optional.empty(), Optional.empty(), Optional.empty(), List.of(), why,
                false);
    }

    /**
     * The outcome of {@code injection} as the journal shows it.
     *
     * @param healthy empty when the cluster was healthy again after the recovery, else why not
     */
    static FaultOutcome of(DemoFault fault, Injection injection, List<JournalEntry> journal,
                           Optional<String> healthy) {
        String type = injection.expected().name();
        Optional<JournalEntry> detected = journal.stream()
                .filter(e -> e.action().equals("failure_detected") && e.isAbout(type, injection.node())
                        && !e.timestamp().isBefore(injection.at()))
                .findFirst();
        Object id = detected.map(e -> e.details().get("failure_id")).orElse(null);
        List<JournalEntry> about = id == null ? List.of() : journal.stream()
                .filter(e -> id.equals(e.details().get("failure_id"))
                        && !e.timestamp().isBefore(detected.get().timestamp()))
                .toList();
        List<String> rungs = new ArrayList<>();
        // the rung records and the action records of each rung name it (a ladder may journal a rung under its own
        // action name, such as recover_log_corruption)
        about.stream().map(e -> e.details().get("rung")).filter(java.util.Objects::nonNull).map(String::valueOf)
                .filter(r -> !rungs.contains(r)).forEach(rungs::add);
        Optional<JournalEntry> verified = about.stream().filter(e -> e.action().equals("recovery_verified"))
                .findFirst();
        Optional<JournalEntry> escalated = about.stream().filter(e -> e.action().equals("recovery_escalated"))
                .findFirst();
        Optional<JournalEntry> cleared = about.stream().filter(e -> e.action().equals("failure_cleared"))
                .findFirst();
        String outcome;
        if (detected.isEmpty()) {
            outcome = "not detected";
        } else if (verified.isPresent()) {
            outcome = healthy.map(why -> "recovered, but not healthy after: " + why).orElse("recovered");
        } else if (escalated.isPresent()) {
            outcome = "escalated: " + escalated.get().details().getOrDefault("why", "?");
        } else if (cleared.isPresent()) {
            outcome = "cleared without a verified recovery";
        } else {
            outcome = "not recovered";
        }
        return new FaultOutcome(fault, injection.node(), Optional.of(injection.at()),
                detected.map(e -> Duration.between(injection.at(), e.timestamp())),
                verified.map(e -> Duration.between(injection.at(), e.timestamp())), rungs, outcome,
                verified.isPresent() && healthy.isEmpty());
    }

    /** Whether the daemon is done with the failure: verified, escalated, or cleared. */
    boolean settled() {
        return recovered.isPresent() || outcome.startsWith("escalated") || outcome.startsWith("cleared");
    }

    /** The same outcome with another text and verdict (a bound that passed). */
    FaultOutcome failed(String why) {
        return new FaultOutcome(fault, node, injectedAt, detected, recovered, rungs, why, false);
    }

    /** The summary table's header. */
    static String header() {
        return String.format(Locale.ROOT, "  %-20s %-7s %9s %15s %16s  %-50s %s", "fault", "node", "injected",
                "detected after", "recovered after", "rungs", "outcome");
    }

    /** The summary table's row; times relative to {@code start}. */
    String row(Instant start) {
        return String.format(Locale.ROOT, "  %-20s %-7s %9s %15s %16s  %-50s %s", fault.key(), node,
                injectedAt.map(at -> seconds(Duration.between(start, at))).orElse("-"),
                detected.map(FaultOutcome::seconds).orElse("-"), recovered.map(FaultOutcome::seconds).orElse("-"),
                rungs.isEmpty() ? "-" : String.join(",", rungs), outcome);
    }

    static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
    }
}
