package org.distributedtesting.recovery;

import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * What a process supervisor knows about a node's process. Tells a crashed node (process dead) apart from a node
 * that is alive but cannot be reached (a partition).
 *
 * <p>Immutable and thread-safe.
 *
 * @param liveness whether the process runs
 * @param pid      the operating-system process id when known
 * @param exitCode the exit code when the process has ended and it is known
 * @param detail   a short human-readable explanation (for the journal)
 */
public record ProcessStatus(Liveness liveness, OptionalLong pid, OptionalInt exitCode, String detail) {

    /** Whether a node's process runs, as far as its supervisor knows. */
    public enum Liveness {
        /** The process runs. */
        ALIVE,
        /** The process has ended or was never started. */
        DEAD,
        /** No supervisor watches this node, or it could not tell. */
        UNKNOWN
    }

    /** @throws NullPointerException if any argument is null */
    public ProcessStatus {
        Objects.requireNonNull(liveness, "liveness");
        Objects.requireNonNull(pid, "pid");
        Objects.requireNonNull(exitCode, "exitCode");
        Objects.requireNonNull(detail, "detail");
    }

    /** A running process. */
    public static ProcessStatus alive(long pid) {
        return new ProcessStatus(Liveness.ALIVE, OptionalLong.of(pid), OptionalInt.empty(), "running");
    }

    /** A process that ended with the given exit code. */
    public static ProcessStatus exited(long pid, int exitCode) {
        return new ProcessStatus(Liveness.DEAD, OptionalLong.of(pid), OptionalInt.of(exitCode),
                "exited with code " + exitCode);
    }

    /** A process that is not running, with a reason (never started, could not start...). */
    public static ProcessStatus dead(String detail) {
        return new ProcessStatus(Liveness.DEAD, OptionalLong.empty(), OptionalInt.empty(), detail);
    }

    /** No supervisor knows this node. */
    public static ProcessStatus unknown() {
        return new ProcessStatus(Liveness.UNKNOWN, OptionalLong.empty(), OptionalInt.empty(), "not supervised");
    }

    /** Whether the supervisor reports the process dead. */
    public boolean isDead() {
        return liveness == Liveness.DEAD;
    }

    /** Whether the supervisor reports the process alive. */
    public boolean isAlive() {
        return liveness == Liveness.ALIVE;
    }
}
