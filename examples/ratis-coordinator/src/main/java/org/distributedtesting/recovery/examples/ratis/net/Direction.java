package org.distributedtesting.recovery.examples.ratis.net;

/**
 * One direction of a proxied connection.
 */
public enum Direction {
    /** Bytes from the connecting client to the target. */
    UPSTREAM,
    /** Bytes from the target to the connecting client. */
    DOWNSTREAM
}
