package org.distributedtesting.recovery;

import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * What a process supervisor knows about a node's process. Tells a crashed node (process dead) apart from a node
 * that is alive but cannot be reached (a partition), and, for a process that ended by itself, what the node's own
 * integrity checks said of its data afterwards (a node that fails to start on a damaged log or database cannot say
 * so in a status answer).
 *
 * <p>Immutable and thread-safe.
 *
 * @param liveness whether the process runs
 * @param pid      the operating-system process id when known
 * @param exitCode the exit code when the process has ended and it is known
 * @param detail   a short human-readable explanation (for the journal)
 * @param log      the node's own check of its log, run on its data after the process ended; unknown when not run
 * @param database the node's own check of its database, likewise
 */
public record ProcessStatus(Liveness liveness, OptionalLong pid, OptionalInt exitCode, String detail,
                            IntegrityCheck log, IntegrityCheck database) {

    /** Whether a node's process runs, as far as its supervisor knows. */
    public enum Liveness {
        /** The process runs. */
        ALIVE,
        /** The process has ended, or it is not running and may have run before (a pid file names an old pid). */
        DEAD,
        /**
         * The process was never started: its supervisor has not seen it run and finds no trace of an earlier run
         * (no pid file, no process to adopt, nothing else running it). Starting it is a start, not a recovery.
         * Counts as dead for {@link #isDead()}.
         */
        NOT_STARTED,
        /** No supervisor watches this node, or it could not tell. */
        UNKNOWN
    }

    /** @throws NullPointerException if any argument is null */
    public ProcessStatus {
        Objects.requireNonNull(liveness, "liveness");
        Objects.requireNonNull(pid, "pid");
        Objects.requireNonNull(exitCode, "exitCode");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(log, "log");
        Objects.requireNonNull(database, "database");
    }

    /**
     * A status without checks of the node's data.
     *
     * @throws NullPointerException if any argument is null
     */
    public ProcessStatus(Liveness liveness, OptionalLong pid, OptionalInt exitCode, String detail) {
        this(liveness, pid, exitCode, detail, IntegrityCheck.UNKNOWN, IntegrityCheck.UNKNOWN);
    }

    /** The same status with what the node's own checks said of its data after the process ended. */
    public ProcessStatus withDataChecks(IntegrityCheck logCheck, IntegrityCheck databaseCheck) {
        return new ProcessStatus(liveness, pid, exitCode, detail, logCheck, databaseCheck);
    }

    /**
     * Whether the process ended by itself (an exit code other than 137, SIGKILL, and 143, SIGTERM): it did not
     * start, or failed while running, rather than being killed.
     */
    public boolean endedByItself() {
        return isDead() && exitCode.isPresent() && exitCode.getAsInt() != EXIT_KILLED
                && exitCode.getAsInt() != EXIT_TERMINATED;
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

    /**
     * A process that was never started: no run of its supervisor saw it, and nothing suggests that something else
     * runs it. See {@link Liveness#NOT_STARTED}.
     */
    public static ProcessStatus notStarted() {
        return new ProcessStatus(Liveness.NOT_STARTED, OptionalLong.empty(), OptionalInt.empty(), "not started");
    }

    /** No supervisor knows this node. */
    public static ProcessStatus unknown() {
        return new ProcessStatus(Liveness.UNKNOWN, OptionalLong.empty(), OptionalInt.empty(), "not supervised");
    }

    /** The exit code of a process killed by SIGKILL (128 + 9). */
    public static final int EXIT_KILLED = 137;

    /** The exit code of a process stopped by SIGTERM (128 + 15). */
    public static final int EXIT_TERMINATED = 143;

    /** Whether the supervisor reports the process not running: ended, or never started. */
    public boolean isDead() {
        return liveness == Liveness.DEAD || liveness == Liveness.NOT_STARTED;
    }

    /** Whether the supervisor reports that the process was never started ({@link Liveness#NOT_STARTED}). */
    public boolean neverStarted() {
        return liveness == Liveness.NOT_STARTED;
    }

    /** Whether the supervisor reports the process alive. */
    public boolean isAlive() {
        return liveness == Liveness.ALIVE;
    }
}
