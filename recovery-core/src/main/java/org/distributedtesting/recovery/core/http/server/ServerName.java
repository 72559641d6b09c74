package org.distributedtesting.recovery.core.http.server;

import java.util.Objects;

/**
 * How a server of this package names itself: in log lines ({@link #toString()}, such as {@code node 'node-1'}) and
 * in the names of its threads.
 *
 * @param forLogs what log lines call it
 * @param threads the prefix of its threads' names
 */
record ServerName(String forLogs, String threads) {

    ServerName {
        Objects.requireNonNull(forLogs, "forLogs");
        Objects.requireNonNull(threads, "threads");
    }

    @Override
    public String toString() {
        return forLogs;
    }
}
