package org.distributedtesting.recovery.strategies.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.distributedtesting.recovery.core.config.MessageText;
import org.distributedtesting.recovery.core.history.HistoryReport;

/**
 * The history report as text for people, or as JSON for programs. Strings that came from the journal (and so, in
 * part, from nodes) are escaped in the text.
 *
 * <p>Stateless and thread-safe.
 */
final class ReportFormat {

    /** How many escalations the text lists, the latest; the JSON lists them all. */
    static final int TEXT_ESCALATIONS = 10;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ReportFormat() {
    }

    static String text(HistoryReport report, String since) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "History: %d journal records%s%n", report.records(),
                report.first().map(f -> ", " + f + " to " + report.last().orElseThrow()).orElse("")));
        report.since().ifPresent(from -> s.append("Since ").append(from).append(" (the last ").append(since)
                .append(")").append(System.lineSeparator()));
        s.append(System.lineSeparator());
        String row = "  %-22s %8s %9s %7s %9s %5s %13s %10s%n";
        s.append(String.format(Locale.ROOT, "Failures by type%n"));
        s.append(String.format(Locale.ROOT, row, "type", "failures", "recovered", "cleared", "escalated", "open",
                "median to fix", "p95 to fix"));
        List<HistoryReport.Failures> rows = new ArrayList<>(report.byType());
        rows.add(report.total());
        for (HistoryReport.Failures f : rows) {
            s.append(String.format(Locale.ROOT, row, MessageText.escape(f.type()), f.failures(), f.recovered(),
                    f.cleared(), f.escalated(), f.open(), seconds(f.medianRecoverMs()), seconds(f.p95RecoverMs())));
        }
        s.append(System.lineSeparator());
        List<HistoryReport.Escalation> escalations = report.escalations();
        s.append("Escalations: ").append(escalations.size()).append(System.lineSeparator());
        if (escalations.size() > TEXT_ESCALATIONS) {
            s.append("  (the last ").append(TEXT_ESCALATIONS).append(")").append(System.lineSeparator());
        }
        for (HistoryReport.Escalation e : escalations.subList(Math.max(0, escalations.size() - TEXT_ESCALATIONS),
                escalations.size())) {
            s.append("  ").append(e.at()).append("  ").append(MessageText.escape(e.failureId())).append(": ")
                    .append(MessageText.escape(e.why())).append(System.lineSeparator());
        }
        s.append(System.lineSeparator()).append("Actions by outcome").append(System.lineSeparator());
        if (report.actions().isEmpty()) {
            s.append("  none").append(System.lineSeparator());
        }
        for (HistoryReport.ActionCount a : report.actions()) {
            s.append(String.format(Locale.ROOT, "  %-36s %-8s %6d%n", MessageText.escape(a.action()), a.outcome(),
                    a.count()));
        }
        s.append(System.lineSeparator()).append("Nodes that fail most").append(System.lineSeparator());
        if (report.nodes().isEmpty()) {
            s.append("  none").append(System.lineSeparator());
        }
        for (HistoryReport.NodeCount n : report.nodes()) {
            s.append(String.format(Locale.ROOT, "  %-22s %6d %s%n", MessageText.escape(n.nodeId()), n.failures(),
                    n.failures() == 1 ? "failure" : "failures"));
        }
        return s.toString();
    }

    static String json(HistoryReport report) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("records", report.records());
        root.put("first", report.first().map(Object::toString).orElse(null));
        root.put("last", report.last().map(Object::toString).orElse(null));
        root.put("since", report.since().map(Object::toString).orElse(null));
        root.put("failures", failures(report.total()));
        root.put("failures_by_type", report.byType().stream().map(ReportFormat::failures).toList());
        root.put("escalations", report.escalations().stream().map(e -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("timestamp", e.at().toString());
            m.put("failure_id", e.failureId());
            m.put("node_ids", e.nodeIds());
            m.put("why", e.why());
            return m;
        }).toList());
        root.put("actions_by_outcome", report.actions().stream().map(a -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("action", a.action());
            m.put("outcome", a.outcome());
            m.put("count", a.count());
            return m;
        }).toList());
        root.put("nodes_failing_most", report.nodes().stream().map(n -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("node_id", n.nodeId());
            m.put("failures", n.failures());
            return m;
        }).toList());
        try {
            return JSON.writeValueAsString(root) + System.lineSeparator();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the report holds only strings, numbers, lists and maps", e);
        }
    }

    private static Map<String, Object> failures(HistoryReport.Failures f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", f.type());
        m.put("failures", f.failures());
        m.put("recovered", f.recovered());
        m.put("cleared", f.cleared());
        m.put("escalated", f.escalated());
        m.put("open", f.open());
        m.put("median_time_to_recover_ms", f.medianRecoverMs().orElse(null));
        m.put("p95_time_to_recover_ms", f.p95RecoverMs().orElse(null));
        return m;
    }

    private static String seconds(Optional<Double> millis) {
        return millis.map(ms -> String.format(Locale.ROOT, "%.1f s", ms / 1000)).orElse("-");
    }
}
