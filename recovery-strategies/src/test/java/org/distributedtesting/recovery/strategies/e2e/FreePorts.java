package org.distributedtesting.recovery.strategies.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Loopback ports for the end-to-end tests: each free when picked, none handed out twice in this JVM, and below the
 * kernel's ephemeral range. Two {@code new ServerSocket(0)} in a row may return the same port (a CI run gave two
 * stand-in nodes one port), and a port from the ephemeral range can be taken as the local port of an outgoing
 * connection while its node is down for a restart.
 *
 * <p>Thread-safe.
 */
final class FreePorts {

    private static final int LOWEST_PORT = 20_000;
    private static final int DEFAULT_EPHEMERAL_START = 32768;
    private static final Set<Integer> GIVEN = new HashSet<>();

    private FreePorts() {
    }

    /**
     * A port that is free now and was not handed out before in this JVM.
     *
     * @throws IOException if no port can be bound at all
     */
    static synchronized int next() throws IOException {
        int below = ephemeralRangeStart();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 200 && below > LOWEST_PORT + 100; attempt++) {
            int port = random.nextInt(LOWEST_PORT, below);
            if (!GIVEN.contains(port) && bindable(port)) {
                GIVEN.add(port);
                return port;
            }
        }
        while (true) { // the range below is crowded or absent: an ephemeral port beats none
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                if (GIVEN.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            }
        }
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int ephemeralRangeStart() {
        try {
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).strip();
            return Integer.parseInt(range.split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return DEFAULT_EPHEMERAL_START;
        }
    }
}
