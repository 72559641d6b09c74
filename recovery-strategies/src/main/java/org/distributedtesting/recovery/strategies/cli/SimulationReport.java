package org.distributedtesting.recovery.strategies.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.RecoveryEvent;
import org.distributedtesting.recovery.RecoveryStrategy;
import org.distributedtesting.recovery.core.sim.FaultOutcome;
import org.distributedtesting.recovery.core.sim.ScenarioResult;
import org.distributedtesting.recovery.core.sim.SimClock;

/**
 * Prints one simulation for people: what runs, the timeline of injected faults and engine events in virtual
 * seconds, and a summary with one row per fault, the client writes, the invariant violations and the verdict.
 * Nothing it prints depends on the wall clock, so equal runs print equal bytes.
 *
 * <p>Not thread-safe; one report per run.
 */
final class SimulationReport {

    private final SimulateCommand.Request request;
    private final List<RecoveryStrategy> strategies;
    private final PrintStream out;
    private final Timeline timeline;

    /** One timeline line: injections sort before the engine's events of the same millisecond. */
    private record Line(long millis, int order, String text) {
    }

    SimulationReport(SimulateCommand.Request request, List<RecoveryStrategy> strategies, PrintStream out) {
        this.request = Objects.requireNonNull(request, "request");
        this.strategies = List.copyOf(strategies);
        this.out = Objects.requireNonNull(out, "out");
        this.timeline = new Timeline(out, Timeline.TimeFormat.virtual(SimClock.EPOCH));
    }

    /** What is about to run. */
    void header() {
        out.println("simulating " + request.nodes() + (request.nodes() == 1 ? " node" : " nodes") + ", seed "
                + request.seed() + ": injecting "
                + String.join(", ", request.faults().stream().map(FailureType::name).toList())
                + (request.faults().size() > 1 ? " " + SimulateCommand.SPACING.toSeconds() + " s apart" : "")
                + ", for at most " + plainSeconds(request.duration()) + " s of virtual time");
        out.println("strategies: " + String.join(", ", strategies.stream().map(RecoveryStrategy::name).toList())
                + (request.dryRun() ? " (dry run: recoveries are planned, not carried out)" : ""));
        out.println();
    }

    private static String plainSeconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? String.valueOf(d.toSeconds()) : SimulateCommand.seconds(d.toMillis());
    }

    /** The injected faults and the engine's events, in virtual time. */
    void timeline(ScenarioResult result, List<RecoveryEvent> events) {
        List<Line> lines = new ArrayList<>();
        for (FaultOutcome fault : result.faults()) {
            lines.add(new Line(fault.injectedAt(), 0, timeline.injected(SimClock.EPOCH.plusMillis(fault.injectedAt()),
                    fault.type(), fault.nodes(), fault.description())));
            if (fault.recovered() && fault.detectedAt().isEmpty()) {
                long at = fault.recoveredAt().getAsLong();
                lines.add(new Line(at, 0, timeline.healed(SimClock.EPOCH.plusMillis(at), fault.type(),
                        fault.nodes())));
            }
        }
        for (RecoveryEvent event : events) {
            String text = timeline.line(event);
            if (text != null) {
                lines.add(new Line(Duration.between(SimClock.EPOCH, event.at()).toMillis(), 1, text));
            }
        }
        lines.sort(Comparator.comparingLong(Line::millis).thenComparingInt(Line::order)); // stable: events keep order
        lines.forEach(line -> out.println(line.text()));
    }

    /**
     * Whether the run passed: every requested fault was injected and recovered, the cluster ended healthy and no
     * invariant broke.
     */
    boolean passed(ScenarioResult result) {
        return result.passed() && result.faults().size() == request.faults().size();
    }

    /** The table of faults, the writes, the violations and the verdict line. */
    void summary(ScenarioResult result) {
        out.println();
        out.println("summary (virtual time; detected and recovered are counted from injection)");
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"fault", "nodes", "injected", "detected after", "recovered after", "rungs", "outcome"});
        for (FaultOutcome fault : result.faults()) {
            rows.add(new String[] {fault.type().name(), Timeline.names(fault.nodes()),
                    SimulateCommand.seconds(fault.injectedAt()) + "s",
                    fault.timeToDetect().isPresent() ? SimulateCommand.seconds(fault.timeToDetect().getAsLong()) + "s"
                            : "-",
                    fault.timeToRecover().isPresent()
                            ? SimulateCommand.seconds(fault.timeToRecover().getAsLong()) + "s" : "-",
                    fault.rungs().isEmpty() ? "-" : String.join(",", fault.rungs()), outcome(fault)});
        }
        table(rows, 2, 3, 4).forEach(row -> out.println("  " + row));
        out.println("  writes: " + result.writes() + " submitted, " + result.acknowledged() + " acknowledged");
        if (result.violations().isEmpty()) {
            out.println("  invariant violations: none");
        } else {
            out.println("  invariant violations: " + result.violations().size());
            result.violations().forEach(v -> out.println("    " + v));
        }
        out.println("  cluster: " + (result.healthyAtEnd() ? "healthy" : "NOT healthy") + " at the end, "
                + SimulateCommand.seconds(result.endedAt()) + " s of virtual time");
        List<String> unhandled = result.faults().stream().map(FaultOutcome::type).distinct()
                .filter(type -> !handled(type)).map(FailureType::name).toList();
        if (!unhandled.isEmpty()) {
            out.println("  note: none of the strategies run handles " + String.join(", ", unhandled));
        }
        out.println(verdict(result));
    }

    private String verdict(ScenarioResult result) {
        if (passed(result)) {
            return "PASSED (seed " + request.seed() + "): every injected fault was recovered, the cluster ended"
                    + " healthy and no invariant broke";
        }
        List<String> reasons = new ArrayList<>();
        int injected = result.faults().size();
        if (injected < request.faults().size()) {
            reasons.add("only " + injected + " of " + request.faults().size() + " faults were injected before the"
                    + " deadline");
        }
        long lost = result.faults().stream().filter(f -> !f.recovered()).count();
        if (lost > 0) {
            reasons.add(lost + " of " + injected + " injected faults not recovered");
        }
        if (!result.healthyAtEnd()) {
            reasons.add("the cluster was not healthy at the end");
        }
        if (!result.violations().isEmpty()) {
            reasons.add(result.violations().size() + " invariant violations");
        }
        return "FAILED (seed " + request.seed() + "): " + String.join("; ", reasons);
    }

    private String outcome(FaultOutcome fault) {
        if (fault.recovered()) {
            return fault.detectedAt().isPresent() ? "recovered" : "healed by itself";
        }
        if (fault.escalated()) {
            return "escalated (quarantined)";
        }
        if (fault.detectedAt().isPresent()) {
            return request.dryRun() ? "not recovered (dry run)" : "detected, not recovered";
        }
        return handled(fault.type()) ? "not detected" : "not detected: no strategy for " + fault.type();
    }

    private boolean handled(FailureType type) {
        return strategies.stream().anyMatch(s -> s.type().equals(type));
    }

    /** Rows padded to aligned columns; the columns in {@code right} are right-aligned. */
    static List<String> table(List<String[]> rows, int... right) {
        int columns = rows.get(0).length;
        int[] widths = new int[columns];
        for (String[] row : rows) {
            for (int c = 0; c < columns; c++) {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        List<String> lines = new ArrayList<>();
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < columns; c++) {
                String pad = " ".repeat(widths[c] - row[c].length());
                line.append(c == 0 ? "" : "  ");
                if (contains(right, c)) {
                    line.append(pad).append(row[c]);
                } else {
                    line.append(row[c]).append(c < columns - 1 ? pad : ""); // no trailing blanks
                }
            }
            lines.add(line.toString());
        }
        return lines;
    }

    private static boolean contains(int[] values, int value) {
        for (int v : values) {
            if (v == value) {
                return true;
            }
        }
        return false;
    }
}
