package org.distributedtesting.recovery.strategies.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The history report's numbers computed from the journal's JSONL lines with Jackson alone, without the code under
 * test: a failure is a {@code failure_detected} record and every later record of its {@code failure_id} until the next
 * detection (or, for an id not detected yet, the records of it so far); percentiles interpolate linearly between the
 * closest ranks.
 */
public final class JournalNumbers {

    /** The numbers of one failure type, or of all. */
    public record Counts(long failures, long recovered, long cleared, long escalated, long open, Double median,
                         Double p95) {
    }

    private static final class Failure {
        final String type;
        final List<String> nodes;
        final Instant detectedAt;
        Long timeToRecover;
        boolean recovered;
        boolean cleared;
        boolean escalated;

        Failure(String type, List<String> nodes, Instant detectedAt) {
            this.type = type;
            this.nodes = nodes;
            this.detectedAt = detectedAt;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    final int records;
    final Map<String, Counts> byType = new TreeMap<>();
    Counts total;
    long escalations;
    final Map<String, Long> actions = new TreeMap<>();
    final List<Map.Entry<String, Long>> nodes = new ArrayList<>();

    private JournalNumbers(int records) {
        this.records = records;
    }

    /** The numbers of the journal file, counting what happened at or after {@code cutoff}. */
    public static JournalNumbers of(Path journal, Instant cutoff) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(journal)) {
            if (!line.isBlank()) {
                lines.add(JSON.readTree(line));
            }
        }
        JournalNumbers numbers = new JournalNumbers(lines.size());
        Map<String, Failure> current = new HashMap<>();
        List<Failure> failures = new ArrayList<>();
        for (JsonNode line : lines) {
            Instant at = Instant.parse(line.get("timestamp").asText());
            String action = line.get("action").asText();
            JsonNode d = line.get("details");
            if (action.equals("recovery_escalated") && !at.isBefore(cutoff)) {
                numbers.escalations++;
            }
            if (d.has("node_id") && d.has("rung") && List.of("done", "failed", "refused", "planned")
                    .contains(d.path("outcome").asText()) && !at.isBefore(cutoff)) {
                numbers.actions.merge(action + " " + d.get("outcome").asText(), 1L, Long::sum);
            }
            if (!d.has("failure_id")) {
                continue;
            }
            String id = d.get("failure_id").asText();
            Failure f = current.get(id);
            if (f == null || action.equals("failure_detected")) {
                List<String> nodes = new ArrayList<>();
                d.path("node_ids").forEach(n -> nodes.add(n.asText()));
                f = new Failure(d.path("reason").asText("?"), nodes, at);
                current.put(id, f);
                failures.add(f);
            }
            switch (action) {
                case "recovery_verified" -> {
                    if (!f.recovered) {
                        f.recovered = true;
                        f.timeToRecover = d.get("time_to_recover_ms").asLong();
                    }
                }
                case "recovery_escalated" -> f.escalated = true;
                case "failure_cleared" -> f.cleared = true;
                default -> {
                }
            }
        }
        List<Failure> counted = failures.stream().filter(f -> !f.detectedAt.isBefore(cutoff)).toList();
        numbers.total = counts(counted);
        Map<String, List<Failure>> byType = new TreeMap<>();
        counted.forEach(f -> byType.computeIfAbsent(f.type, t -> new ArrayList<>()).add(f));
        byType.forEach((type, list) -> numbers.byType.put(type, counts(list)));
        Map<String, Long> perNode = new HashMap<>();
        counted.forEach(f -> f.nodes.forEach(n -> perNode.merge(n, 1L, Long::sum)));
        perNode.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()
                .thenComparing(Map.Entry.comparingByKey())).limit(10).forEach(numbers.nodes::add);
        return numbers;
    }

    private static Counts counts(List<Failure> failures) {
        List<Long> times = failures.stream().filter(f -> f.recovered).map(f -> f.timeToRecover)
                .sorted(Comparator.naturalOrder()).toList();
        return new Counts(failures.size(), failures.stream().filter(f -> f.recovered).count(),
                failures.stream().filter(f -> !f.recovered && f.cleared).count(),
                failures.stream().filter(f -> f.escalated).count(),
                failures.stream().filter(f -> !f.recovered && !f.cleared && !f.escalated).count(),
                quantile(times, 0.5), quantile(times, 0.95));
    }

    private static Double quantile(List<Long> sorted, double q) {
        if (sorted.isEmpty()) {
            return null;
        }
        double position = q * (sorted.size() - 1);
        int below = (int) Math.floor(position);
        int above = (int) Math.ceil(position);
        return sorted.get(below) + (position - below) * (sorted.get(above) - sorted.get(below));
    }

    /** Asserts that the report's JSON ({@code report --format json}) has these numbers. */
    public void assertSameAs(JsonNode report) {
        assertThat(report.get("records").asLong()).as("records").isEqualTo(records);
        assertCounts(report.get("failures"), total, "all");
        Map<String, JsonNode> types = new LinkedHashMap<>();
        report.get("failures_by_type").forEach(t -> types.put(t.get("type").asText(), t));
        assertThat(types.keySet()).as("failure types").containsExactlyInAnyOrderElementsOf(byType.keySet());
        byType.forEach((type, counts) -> assertCounts(types.get(type), counts, type));
        assertThat(report.get("escalations").size()).as("escalations").isEqualTo(escalations);
        Map<String, Long> reported = new TreeMap<>();
        report.get("actions_by_outcome").forEach(a -> reported.put(a.get("action").asText() + " "
                + a.get("outcome").asText(), a.get("count").asLong()));
        assertThat(reported).as("actions by outcome").isEqualTo(actions);
        List<Map.Entry<String, Long>> reportedNodes = new ArrayList<>();
        report.get("nodes_failing_most").forEach(n -> reportedNodes.add(Map.entry(n.get("node_id").asText(),
                n.get("failures").asLong())));
        assertThat(reportedNodes).as("nodes that fail most").containsExactlyElementsOf(nodes);
    }

    private static void assertCounts(JsonNode reported, Counts expected, String type) {
        assertThat(reported.get("failures").asLong()).as(type + " failures").isEqualTo(expected.failures());
        assertThat(reported.get("recovered").asLong()).as(type + " recovered").isEqualTo(expected.recovered());
        assertThat(reported.get("cleared").asLong()).as(type + " cleared").isEqualTo(expected.cleared());
        assertThat(reported.get("escalated").asLong()).as(type + " escalated").isEqualTo(expected.escalated());
        assertThat(reported.get("open").asLong()).as(type + " open").isEqualTo(expected.open());
        assertQuantile(reported.get("median_time_to_recover_ms"), expected.median(), type + " median");
        assertQuantile(reported.get("p95_time_to_recover_ms"), expected.p95(), type + " p95");
    }

    private static void assertQuantile(JsonNode reported, Double expected, String what) {
        if (expected == null) {
            assertThat(reported.isNull()).as(what + " is null, but was " + reported).isTrue();
        } else {
            assertThat(reported.asDouble()).as(what).isCloseTo(expected, within(1e-6));
        }
    }
}
