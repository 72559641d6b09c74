package org.distributedtesting.recovery.examples.ratis.harness;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks the ports of one cluster on the loopback address: each free when picked, and none picked twice.
 *
 * <p>The ports lie below the kernel's ephemeral range: a port picked from that range (as {@code new ServerSocket(0)}
 * does) can be taken, while its node is down for a restart, as the local port of some outgoing connection, and the
 * restarted node then fails to bind it (seen in the tests).
 *
 * <p>Not thread-safe: one cluster's layout picks its ports on one thread.
 */
final class PortPicker {

    /** The lowest port picked. */
    private static final int LOWEST_PORT = 20_000;

    /** The first port of the Linux default ephemeral range, when the kernel's cannot be read. */
    private static final int DEFAULT_EPHEMERAL_START = 32768;

    private final Set<Integer> taken = new HashSet<>();

    /**
     * A port that is free now and was not picked before.
     *
     * @throws IOException if no port can be bound at all
     */
    int next() throws IOException {
        int below = ephemeralRangeStart();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 200 && below > LOWEST_PORT + 100; attempt++) {
            int port = random.nextInt(LOWEST_PORT, below);
            if (!taken.contains(port) && bindable(port)) {
                taken.add(port);
                return port;
            }
        }
        // the range below is crowded or absent: an ephemeral port beats none
        while (true) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                if (taken.add(socket.getLocalPort())) {
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
