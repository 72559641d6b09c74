package org.distributedtesting.recovery.core.sim.harness;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;
import org.distributedtesting.recovery.JournalRecord;
import org.distributedtesting.recovery.RecoveryEvent;
import org.distributedtesting.recovery.core.sim.ClientWrite;
import org.distributedtesting.recovery.core.sim.EventLines;
import org.distributedtesting.recovery.core.sim.NodeView;
import org.distributedtesting.recovery.core.sim.SimClock;
import org.distributedtesting.recovery.core.sim.SimConfig;
import org.distributedtesting.recovery.core.sim.SimulatedCluster;

/**
 * What a person needs to see when a test on the simulated cluster fails: the settings (seed included, to replay
 * the run), each node's ground truth, the writes, the end of the trace, and each recovery's journal and events.
 * The JUnit extension prints it on a failure; call it yourself anywhere else.
 *
 * <p>Stateless and thread-safe; reads the cluster under its lock.
 */
public final class SimReport {

    /** How many trace lines a report shows by default: the last 200. */
    public static final int DEFAULT_TRACE_LINES = 200;

    private SimReport() {
    }

    /**
     * The report of {@code cluster} and of the recoveries still open on it, with the last {@code traceLines}
     * lines of the trace.
     *
     * @throws IllegalArgumentException if {@code traceLines} is negative
     */
    public static String of(SimulatedCluster cluster, int traceLines) {
        return of(cluster, SimulatedRecovery.openOn(cluster), traceLines);
    }

    /**
     * The report of {@code cluster} and {@code recoveries}, with the last {@code traceLines} lines of the trace.
     *
     * @throws IllegalArgumentException if {@code traceLines} is negative
     */
    public static String of(SimulatedCluster cluster, List<SimulatedRecovery> recoveries, int traceLines) {
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(recoveries, "recoveries");
        if (traceLines < 0) {
            throw new IllegalArgumentException("traceLines must be >= 0, but was " + traceLines);
        }
        StringBuilder out = new StringBuilder();
        SimConfig config = cluster.config();
        out.append("=== simulated cluster: ").append(config.nodes()).append(" nodes, seed ").append(config.seed())
                .append(", pre-vote ").append(config.preVote() ? "on" : "off").append(", at ")
                .append(seconds(cluster.clock().elapsed())).append(" virtual ===\n");
        for (NodeView view : cluster.views()) {
            out.append("  ").append(describe(view)).append('\n');
        }
        out.append("  leaders: ").append(cluster.leaders()).append('\n');
        List<ClientWrite> writes = cluster.writes();
        out.append("  writes: ").append(writes.size()).append(" submitted, ")
                .append(writes.stream().filter(ClientWrite::acknowledged).count()).append(" acknowledged\n");
        List<String> trace = cluster.trace();
        int from = Math.max(0, trace.size() - traceLines);
        out.append("--- trace: last ").append(trace.size() - from).append(" of ").append(trace.size())
                .append(" lines ---\n");
        trace.subList(from, trace.size()).forEach(line -> out.append(line).append('\n'));
        int n = 0;
        for (SimulatedRecovery recovery : recoveries) {
            n++;
            List<JournalRecord> records = recovery.journal().records();
            out.append("--- recovery ").append(n).append(" of ").append(recoveries.size()).append(": ")
                    .append(recovery.engine().strategies().stream().map(s -> s.name()).toList())
                    .append(", journal: ").append(records.size()).append(" records ---\n");
            records.forEach(r -> out.append(describe(r)).append('\n'));
            List<String> lines = recovery.events().stream().map(SimReport::describe)
                    .filter(Objects::nonNull).toList();
            out.append("--- recovery ").append(n).append(": ").append(lines.size()).append(" events ---\n");
            lines.forEach(line -> out.append(line).append('\n'));
            out.append("    quarantined: ").append(recovery.quarantined()).append('\n');
        }
        return out.toString();
    }

    /** One line about one node. */
    static String describe(NodeView v) {
        if (!v.alive()) {
            return String.format(Locale.ROOT, "%-8s down     term %d  commit %d  applied %d  last log %d", v.id(),
                    v.term(), v.commitIndex(), v.appliedIndex(), v.lastLogIndex());
        }
        return String.format(Locale.ROOT, "%-8s %-8s term %d  commit %d  applied %d  last log %d  checksum %s"
                        + "  leader %s  db %s  log %s%s", v.id(), v.role(), v.term(), v.commitIndex(),
                v.appliedIndex(), v.lastLogIndex(), v.stateChecksum().value(),
                v.leader().map(Object::toString).orElse("-"), v.database().status(), v.log().status(),
                v.voter() ? "" : "  (not a voter)");
    }

    /** One journal record on one line, without the failure's evidence (its summary says it for people). */
    static String describe(JournalRecord record) {
        StringJoiner facts = new StringJoiner(", ", "{", "}");
        for (Map.Entry<String, Object> e : record.details().entrySet()) {
            if (!e.getKey().equals("evidence")) {
                facts.add(e.getKey() + "=" + e.getValue());
            }
        }
        return at(record.timestamp()) + record.action() + " " + facts;
    }

    /** One event on one line; null for a cycle completion (one per cycle, which would drown the rest). */
    static String describe(RecoveryEvent event) {
        String text = EventLines.text(event);
        return text == null ? null : at(event.at()) + text;
    }

    private static String at(Instant instant) {
        return String.format(Locale.ROOT, "%9s  ", seconds(Duration.between(SimClock.EPOCH, instant)));
    }

    private static String seconds(Duration elapsed) {
        return String.format(Locale.ROOT, "%.3f s", elapsed.toMillis() / 1000.0);
    }
}
