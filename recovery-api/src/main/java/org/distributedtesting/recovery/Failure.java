package org.distributedtesting.recovery;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A failure a detector found in one snapshot: its type, the nodes it affects, how bad it is and the evidence
 * that shows it. The engine tracks how many consecutive cycles it has been seen before acting on it.
 *
 * <p>Immutable and thread-safe.
 *
 * @param type      the failure type
 * @param nodes     the affected nodes, sorted; not empty
 * @param severity  how bad it is
 * @param summary   one line for people, for example {@code "node-2 unreachable and its process is dead"}
 * @param evidence  the signals read, as JSON-friendly values (strings, numbers, booleans, lists, maps)
 * @param immediate whether to act at once, without waiting for confirmation over several cycles
 *                  (two leaders in one term)
 */
public record Failure(FailureType type, List<NodeId> nodes, Severity severity, String summary,
                      Map<String, Object> evidence, boolean immediate) {

    /**
     * @throws NullPointerException if any argument or evidence value is null
     * @throws IllegalArgumentException if {@code nodes} is empty
     */
    public Failure {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(summary, "summary");
        nodes = List.copyOf(new TreeSet<>(nodes));
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("a failure must affect at least one node");
        }
        evidence = java.util.Collections.unmodifiableMap(new TreeMap<>(evidence));
        evidence.values().forEach(v -> Objects.requireNonNull(v, "evidence values must not be null"));
    }

    /** A failure to confirm over several cycles before acting. */
    public static Failure of(FailureType type, Collection<NodeId> nodes, Severity severity, String summary,
                             Map<String, Object> evidence) {
        return new Failure(type, List.copyOf(nodes), severity, summary, evidence, false);
    }

    /**
     * A stable key for tracking the same failure across cycles: the type and the affected nodes, for example
     * {@code "process_crash:node-2"}.
     */
    public String key() {
        return type.name() + ":" + nodes.stream().map(NodeId::value).collect(Collectors.joining(","));
    }

    /** Whether this failure affects the node. */
    public boolean affects(NodeId node) {
        return nodes.contains(node);
    }
}
