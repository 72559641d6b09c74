package org.distributedtesting.recovery.core.history;

import org.distributedtesting.recovery.RecoveryException;

/**
 * The history database could not be opened, read or written. The journal is never affected: it is written first.
 *
 * <p>Immutable and thread-safe.
 */
public class HistoryException extends RecoveryException {

    private static final long serialVersionUID = 1L;

    private final boolean held;

    /**
     * @param message what failed, naming the database
     * @param held    whether another process holds the database (DuckDB lets one process write a database file)
     * @param cause   the driver's error
     */
    public HistoryException(String message, boolean held, Throwable cause) {
        super(message, cause);
        this.held = held;
    }

    /** Whether the database could not be opened because another process (a running daemon) holds it. */
    public boolean held() {
        return held;
    }
}
