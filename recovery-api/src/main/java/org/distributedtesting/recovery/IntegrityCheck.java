package org.distributedtesting.recovery;

import java.util.Objects;

/**
 * The result of one integrity check a node ran on its own data (a database integrity check, a log checksum scan).
 *
 * <p>Immutable and thread-safe.
 *
 * @param status the verdict
 * @param detail what was checked and, when it failed, what was wrong
 */
public record IntegrityCheck(Status status, String detail) {

    /** The verdict of an integrity check. */
    public enum Status {
        /** The data passed the check. */
        OK,
        /** The data failed the check. */
        FAILED,
        /** The node did not run the check or could not tell. */
        UNKNOWN
    }

    /** Not checked. */
    public static final IntegrityCheck UNKNOWN = new IntegrityCheck(Status.UNKNOWN, "not checked");

    /** Passed. */
    public static final IntegrityCheck OK = new IntegrityCheck(Status.OK, "ok");

    /** @throws NullPointerException if any argument is null */
    public IntegrityCheck {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(detail, "detail");
    }

    /** A failed check with what was wrong. */
    public static IntegrityCheck failed(String detail) {
        return new IntegrityCheck(Status.FAILED, detail);
    }

    /** Whether the check ran and failed. */
    public boolean failed() {
        return status == Status.FAILED;
    }
}
