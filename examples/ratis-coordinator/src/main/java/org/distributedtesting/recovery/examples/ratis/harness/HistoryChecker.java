package org.distributedtesting.recovery.examples.ratis.harness;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.distributedtesting.recovery.examples.ratis.harness.HistoryCheck.Kind;
import org.distributedtesting.recovery.examples.ratis.harness.HistoryCheck.Violation;

/**
 * Checks what every node's database holds against what the clients were told ({@link History}):
 * <ul>
 *   <li>an {@link History.Outcome#ACKNOWLEDGED acknowledged} write must be on every node;</li>
 *   <li>no write may be on a node more than once: the id is the table's primary key, so a second copy would be a
 *       row under another id with the same submission's payload;</li>
 *   <li>every task on a node must have been submitted by a writer of the run (an id of a writer's form that the
 *       writer never sent, and an id of no writer's form, are both violations);</li>
 *   <li>an {@link History.Outcome#UNKNOWN unknown} write may be anywhere or nowhere, but once every node has
 *       applied the same index it must be on all of them or on none.</li>
 * </ul>
 * A {@link History.Outcome#REFUSED refused} write is only counted. Several writes of one id (a client's own retry)
 * count as one submission, acknowledged when any was.
 *
 * <p>Stateless and thread-safe.
 */
public final class HistoryChecker {

    private HistoryChecker() {
    }

    /**
     * Checks {@code nodes} against {@code history}.
     *
     * @throws IllegalArgumentException if two entries of {@code nodes} name the same node
     */
    public static HistoryCheck check(History history, List<NodeTasks> nodes) {
        Map<String, History.Outcome> outcomes = outcomes(history);
        Map<String, String> idByPayload = new HashMap<>();
        history.all().forEach(w -> idByPayload.putIfAbsent(w.payload(), w.taskId()));
        List<Violation> violations = new ArrayList<>();
        Map<String, Integer> present = new LinkedHashMap<>();
        Map<String, Set<String>> unknownOn = new LinkedHashMap<>();
        for (NodeTasks node : nodes) {
            if (present.containsKey(node.node())) {
                throw new IllegalArgumentException("node '" + node.node() + "' is given twice");
            }
            // every row attributed to the submission it is a copy of: by id, else by payload
            Map<String, List<String>> copies = new LinkedHashMap<>();
            for (NodeTasks.Row row : node.rows()) {
                String id = outcomes.containsKey(row.id()) ? row.id() : idByPayload.get(row.payload());
                if (id == null) {
                    violations.add(new Violation(Kind.NEVER_SUBMITTED, node.node(), row.id(),
                            neverSubmitted(row.id(), history)));
                } else {
                    copies.computeIfAbsent(id, k -> new ArrayList<>()).add(row.id());
                }
            }
            copies.forEach((id, rowIds) -> {
                if (rowIds.size() > 1) {
                    violations.add(new Violation(Kind.DUPLICATED, node.node(), id, rowIds.size()
                            + " rows for one submission, under ids " + rowIds));
                }
                if (outcomes.get(id) == History.Outcome.UNKNOWN) {
                    unknownOn.computeIfAbsent(id, k -> new TreeSet<>()).add(node.node());
                }
            });
            outcomes.forEach((id, outcome) -> {
                if (outcome == History.Outcome.ACKNOWLEDGED && !copies.containsKey(id)) {
                    violations.add(new Violation(Kind.ACKNOWLEDGED_MISSING, node.node(), id,
                            "acknowledged to the client, absent at applied index " + node.appliedIndex()));
                }
            });
            present.put(node.node(), copies.size());
        }
        Set<Long> indexes = nodes.stream().map(NodeTasks::appliedIndex).collect(Collectors.toSet());
        if (indexes.size() == 1) {
            Set<String> all = nodes.stream().map(NodeTasks::node).collect(Collectors.toCollection(TreeSet::new));
            unknownOn.forEach((id, on) -> {
                if (on.size() < all.size()) {
                    Set<String> missing = new TreeSet<>(all);
                    missing.removeAll(on);
                    violations.add(new Violation(Kind.UNKNOWN_PARTIAL, "*", id, "an unknown write on " + on
                            + " but not on " + missing + ", all at applied index " + indexes.iterator().next()));
                }
            });
        }
        Map<History.Outcome, Long> counts = new HashMap<>();
        outcomes.values().forEach(o -> counts.merge(o, 1L, Long::sum));
        return new HistoryCheck(outcomes.size(), counts.getOrDefault(History.Outcome.ACKNOWLEDGED, 0L).intValue(),
                counts.getOrDefault(History.Outcome.REFUSED, 0L).intValue(),
                counts.getOrDefault(History.Outcome.UNKNOWN, 0L).intValue(), present, violations);
    }

    /** Each submitted id's outcome: acknowledged if any write of it was, else unknown if any was, else refused. */
    private static Map<String, History.Outcome> outcomes(History history) {
        Map<String, History.Outcome> outcomes = new LinkedHashMap<>();
        for (TaskWriter.Write write : history.all()) {
            outcomes.merge(write.taskId(), write.outcome(), HistoryChecker::stronger);
        }
        return outcomes;
    }

    private static History.Outcome stronger(History.Outcome a, History.Outcome b) {
        if (a == History.Outcome.ACKNOWLEDGED || b == History.Outcome.ACKNOWLEDGED) {
            return History.Outcome.ACKNOWLEDGED;
        }
        return a == History.Outcome.UNKNOWN || b == History.Outcome.UNKNOWN ? History.Outcome.UNKNOWN
                : History.Outcome.REFUSED;
    }

    private static String neverSubmitted(String id, History history) {
        return history.prefixOf(id).map(p -> "of the form of writer '" + p + "', which submitted "
                        + history.writes().get(p).size() + " writes but never this id")
                .orElse("of no writer's form " + history.writes().keySet());
    }
}
