package org.distributedtesting.recovery.examples.ratis.harness;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Every write the clients of one run submitted, with its outcome, as {@link TaskWriter}s recorded them: the input
 * of the {@link HistoryChecker}. The writes are grouped by the writer's prefix, so that a task id can be traced to
 * the writer whose ids it has the form of.
 *
 * <p>Immutable and thread-safe.
 *
 * @param writes each writer's prefix and its writes, in the order they were submitted
 */
public record History(Map<String, List<TaskWriter.Write>> writes) {

    /** What a client knows about one write once it has its answer, or gave up on it. */
    public enum Outcome {
        /** Committed and applied, and the state machine took the task: it must be on every node. */
        ACKNOWLEDGED,
        /** Acknowledged with a rejection: the task was not taken. */
        REFUSED,
        /** Failed or timed out: the task may or may not be there, but alike on every node. */
        UNKNOWN
    }

    /**
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if one prefix starts another's ids ({@code a} and {@code a-1} both make
     *                                  {@code a-1-2}), so that an id could not be traced to one writer
     */
    public History {
        Map<String, List<TaskWriter.Write>> copy = new LinkedHashMap<>();
        writes.forEach((prefix, list) -> copy.put(Objects.requireNonNull(prefix, "prefix"), List.copyOf(list)));
        for (String a : copy.keySet()) {
            for (String b : copy.keySet()) {
                if (!a.equals(b) && b.startsWith(a + "-")) {
                    throw new IllegalArgumentException("writer prefixes '" + a + "' and '" + b + "' overlap: an id "
                            + b + "-1 could be either's; give the writers prefixes that do not start one another");
                }
            }
        }
        writes = Collections.unmodifiableMap(copy);
    }

    /**
     * The history of {@code writers}, as far as each has recorded it now; stop them first for the final one.
     *
     * @throws IllegalArgumentException if two writers share a prefix, or their prefixes overlap
     */
    public static History of(TaskWriter... writers) {
        Map<String, List<TaskWriter.Write>> writes = new LinkedHashMap<>();
        for (TaskWriter writer : writers) {
            if (writes.put(writer.prefix(), writer.writes()) != null) {
                throw new IllegalArgumentException("two writers share the prefix '" + writer.prefix() + "'");
            }
        }
        return new History(writes);
    }

    /** Every write of every writer, writer by writer. */
    public List<TaskWriter.Write> all() {
        List<TaskWriter.Write> all = new ArrayList<>();
        writes.values().forEach(all::addAll);
        return all;
    }

    /** The writer prefix {@code taskId} has the form of ({@code prefix-N}), if any. */
    public Optional<String> prefixOf(String taskId) {
        return writes.keySet().stream().filter(p -> taskId.startsWith(p + "-")).findFirst();
    }
}
