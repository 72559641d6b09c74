package org.distributedtesting.recovery;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A kind of failure. The ten standard coordinator failures are constants; a host may define its own with
 * {@link #custom(String, int)}.
 *
 * <p>When several failures coexist the engine handles the one with the lowest {@code precedence} first:
 * leadership is settled before anything else (split brain, term divergence, partition, crash, log corruption,
 * database corruption, state divergence, deadlock, resource exhaustion, slow follower).
 *
 * <p>Immutable and thread-safe.
 *
 * @param name       lower-case snake-case name as used in the config file and the journal
 * @param precedence lower first; standard types use 10..100, custom types any value
 */
public record FailureType(String name, int precedence) implements Comparable<FailureType> {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");

    /** More than one node claims leadership. */
    public static final FailureType SPLIT_BRAIN = new FailureType("split_brain", 10);
    /** Terms spread across nodes beyond stabilization, or a node's term grows abnormally. */
    public static final FailureType TERM_DIVERGENCE = new FailureType("term_divergence", 20);
    /** A node is unreachable while its process is alive, or peers disagree on reachability. */
    public static final FailureType NETWORK_PARTITION = new FailureType("network_partition", 30);
    /** A node's process is dead. */
    public static final FailureType PROCESS_CRASH = new FailureType("process_crash", 40);
    /** A node's Raft log fails its integrity check. */
    public static final FailureType LOG_CORRUPTION = new FailureType("log_corruption", 50);
    /** A node's database fails its integrity check. */
    public static final FailureType DATABASE_CORRUPTION = new FailureType("database_corruption", 60);
    /** State checksums differ at the same applied index. */
    public static final FailureType STATE_DIVERGENCE = new FailureType("state_divergence", 70);
    /** Operations stuck, apply stalled while commit advances. */
    public static final FailureType DEADLOCK = new FailureType("deadlock", 80);
    /** CPU, memory, disk or file handles exhausted or about to be. */
    public static final FailureType RESOURCE_EXHAUSTION = new FailureType("resource_exhaustion", 90);
    /** A follower lags the leader beyond its threshold. */
    public static final FailureType SLOW_FOLLOWER = new FailureType("slow_follower", 100);

    private static final List<FailureType> STANDARD = List.of(SPLIT_BRAIN, TERM_DIVERGENCE, NETWORK_PARTITION,
            PROCESS_CRASH, LOG_CORRUPTION, DATABASE_CORRUPTION, STATE_DIVERGENCE, DEADLOCK, RESOURCE_EXHAUSTION,
            SLOW_FOLLOWER);

    /**
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is not lower-case snake case
     */
    public FailureType {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "failure type name must be lower-case snake case like 'process_crash', but was '" + name + "'");
        }
    }

    /** A host-defined failure type. */
    public static FailureType custom(String name, int precedence) {
        return new FailureType(name, precedence);
    }

    /** The ten standard types in precedence order. */
    public static List<FailureType> standard() {
        return STANDARD;
    }

    /** The standard type with this name, ignoring case and accepting {@code -} for {@code _}. */
    public static Optional<FailureType> standard(String name) {
        String normalized = name.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        return STANDARD.stream().filter(t -> t.name.equals(normalized)).findFirst();
    }

    @Override
    public int compareTo(FailureType other) {
        int byPrecedence = Integer.compare(precedence, other.precedence);
        return byPrecedence != 0 ? byPrecedence : name.compareTo(other.name);
    }

    @Override
    public String toString() {
        return name;
    }
}
