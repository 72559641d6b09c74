package org.distributedtesting.recovery.core.http.server;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How many connections a {@link NodeProtocolServer} holds open, in all and per client address, and whether it
 * admits one more. A client is its IP address: all connections from one host share its cap.
 *
 * <p>Thread-safe: one lock guards both counts.
 */
final class ConnectionLimits {

    /** Whether a new connection was admitted, and if not, which cap it met. */
    enum Admission {
        ADMITTED,
        CLIENT_AT_CAP,
        SERVER_AT_CAP
    }

    private final int perClient;
    private final int total;
    private final Object lock = new Object();
    /** Open connections by client; a client without any has no entry. Guarded by {@link #lock}. */
    private final Map<InetAddress, Integer> openByClient = new HashMap<>();
    /** Guarded by {@link #lock}. */
    private int open;

    /**
     * @throws IllegalArgumentException if a cap is not positive
     */
    ConnectionLimits(int perClient, int total) {
        if (perClient <= 0) {
            throw new IllegalArgumentException("maxConnectionsPerClient must be > 0, but was " + perClient);
        }
        if (total <= 0) {
            throw new IllegalArgumentException("maxConnections must be > 0, but was " + total);
        }
        this.perClient = perClient;
        this.total = total;
    }

    /** Counts a new connection from {@code client} when both caps allow it; the caller must {@link #release} it. */
    Admission admit(InetAddress client) {
        Objects.requireNonNull(client, "client");
        synchronized (lock) {
            if (open >= total) {
                return Admission.SERVER_AT_CAP;
            }
            int ofClient = openByClient.getOrDefault(client, 0);
            if (ofClient >= perClient) {
                return Admission.CLIENT_AT_CAP;
            }
            openByClient.put(client, ofClient + 1);
            open++;
            return Admission.ADMITTED;
        }
    }

    /**
     * Forgets an admitted connection of {@code client} that ended.
     *
     * @throws IllegalStateException if {@code client} has no admitted connection
     */
    void release(InetAddress client) {
        synchronized (lock) {
            Integer ofClient = openByClient.get(client);
            if (ofClient == null) {
                throw new IllegalStateException("no open connection of " + client + " to release");
            }
            if (ofClient == 1) {
                openByClient.remove(client);
            } else {
                openByClient.put(client, ofClient - 1);
            }
            open--;
        }
    }

    /** The connections open now, of all clients. */
    int open() {
        synchronized (lock) {
            return open;
        }
    }

    /** The connections of {@code client} open now. */
    int open(InetAddress client) {
        synchronized (lock) {
            return openByClient.getOrDefault(client, 0);
        }
    }

    int perClient() {
        return perClient;
    }

    int total() {
        return total;
    }
}
