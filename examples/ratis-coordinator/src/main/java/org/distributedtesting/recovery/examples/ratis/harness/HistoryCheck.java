package org.distributedtesting.recovery.examples.ratis.harness;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the {@link HistoryChecker} found: the counts for the test log, and every violation of the clients' history
 * on the nodes. Passing means no violation.
 *
 * <p>Immutable and thread-safe.
 *
 * @param submitted    distinct tasks submitted
 * @param acknowledged of those, acknowledged and taken
 * @param refused      of those, acknowledged with a rejection only
 * @param unknown      of those, never acknowledged
 * @param present      per node, how many submitted tasks its database holds
 * @param violations   what the nodes hold that the history rules out
 */
public record HistoryCheck(int submitted, int acknowledged, int refused, int unknown, Map<String, Integer> present,
                           List<Violation> violations) {

    /** The kinds of violation. */
    public enum Kind {
        /** An acknowledged write is missing on a node. */
        ACKNOWLEDGED_MISSING,
        /** A write is on a node more than once (under its id and another key, or twice). */
        DUPLICATED,
        /** A node holds a task no writer of the run submitted. */
        NEVER_SUBMITTED,
        /** An unknown write is on some nodes but not others, with every node at the same applied index. */
        UNKNOWN_PARTIAL
    }

    /**
     * One violation.
     *
     * @param kind   what is wrong
     * @param node   the node it is on, or {@code *} for one across nodes
     * @param taskId the task
     * @param detail what was found, for the test log
     */
    public record Violation(Kind kind, String node, String taskId, String detail) {

        /** @throws NullPointerException if an argument is null */
        public Violation {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(taskId, "taskId");
            Objects.requireNonNull(detail, "detail");
        }

        @Override
        public String toString() {
            return kind + " on '" + node + "': " + taskId + " (" + detail + ")";
        }
    }

    /** @throws NullPointerException if an argument is null */
    public HistoryCheck {
        present = Collections.unmodifiableMap(new LinkedHashMap<>(present));
        violations = List.copyOf(violations);
    }

    /** Whether the nodes agree with the history. */
    public boolean passed() {
        return violations.isEmpty();
    }

    /** The violations of one kind. */
    public List<Violation> violations(Kind kind) {
        return violations.stream().filter(v -> v.kind() == kind).toList();
    }

    /** The counts, and the number of violations per kind. */
    public String summary() {
        Map<Kind, Long> byKind = new LinkedHashMap<>();
        violations.forEach(v -> byKind.merge(v.kind(), 1L, Long::sum));
        return "history: " + submitted + " submitted, " + acknowledged + " acknowledged, " + refused + " refused, "
                + unknown + " unknown; present per node " + present + "; "
                + (passed() ? "no violations" : violations.size() + " violations " + byKind);
    }

    /** The summary and, when it failed, the first 50 violations one per line. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder(summary());
        violations.stream().limit(50).forEach(v -> out.append(System.lineSeparator()).append("  ").append(v));
        if (violations.size() > 50) {
            out.append(System.lineSeparator()).append("  ... ").append(violations.size() - 50).append(" more");
        }
        return out.toString();
    }
}
