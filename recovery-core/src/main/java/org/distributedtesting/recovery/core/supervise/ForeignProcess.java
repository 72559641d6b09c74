package org.distributedtesting.recovery.core.supervise;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.distributedtesting.recovery.NodeSpec;

/**
 * Signs that a process the supervisor neither started nor adopted may be running a node: a process that runs the
 * node's program with the node's data directory among its arguments, or something accepting connections on the
 * node's port on this host. A node started by another tool (a script, systemd) leaves no pid file the supervisor
 * knows; without these signs, a paused or hung copy would look dead, and starting a second copy on one data
 * directory is the worst thing a recovery tool can do. The connection attempt is harmless to the node (it is closed
 * at once), unlike binding its port to find out whether it is free, which could make a node that is starting fail.
 *
 * <p>Stateless and thread-safe.
 */
final class ForeignProcess {

    /** How long a connection attempt to the node's port may take before the port counts as possibly in use. */
    static final Duration CONNECT_TIMEOUT = Duration.ofMillis(300);

    private ForeignProcess() {
    }

    /**
     * What suggests that some process runs the node, or empty when nothing does: the supervisor may then say the
     * node's process is dead, and start it.
     *
     * @param exclude a process to leave out (the supervisor's own process of the node, when it has one)
     */
    static Optional<String> signs(NodeSpec node, Optional<Long> exclude) {
        Optional<String> process = processWithDataDir(node, exclude);
        if (process.isPresent()) {
            return process;
        }
        return portInUse(node);
    }

    /** A running process of the node's program whose arguments name the node's data directory. */
    private static Optional<String> processWithDataDir(NodeSpec node, Optional<Long> exclude) {
        if (node.startCommand().isEmpty()) {
            return Optional.empty();
        }
        String program = baseName(node.startCommand().get(0));
        Set<String> names = programNames(node.startCommand().get(0));
        String dataDir = node.dataDir().toAbsolutePath().normalize().toString();
        long self = ProcessHandle.current().pid();
        return ProcessHandle.allProcesses()
                .filter(p -> p.pid() != self && exclude.map(e -> e != p.pid()).orElse(true))
                .filter(ProcessLiveness::isRunning)
                .filter(p -> p.info().command().map(ForeignProcess::baseName).filter(names::contains).isPresent())
                .filter(p -> p.info().arguments().map(List::of).orElse(List.of()).stream()
                        .anyMatch(arg -> arg.contains(dataDir)))
                .findFirst()
                .map(p -> "process " + p.pid() + " runs " + program + " with the data directory " + dataDir
                        + " in its arguments");
    }

    /** The node's port on this host accepts connections, or does not answer within the timeout. */
    private static Optional<String> portInUse(NodeSpec node) {
        InetAddress address;
        try {
            address = InetAddress.getByName(node.host());
            if (!address.isLoopbackAddress() && !address.isAnyLocalAddress()
                    && NetworkInterface.getByInetAddress(address) == null) {
                return Optional.empty(); // another host's port says nothing about a process here
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, node.port()), (int) CONNECT_TIMEOUT.toMillis());
            return Optional.of("something accepts connections on " + node.address());
        } catch (SocketTimeoutException e) {
            return Optional.of("a connection to " + node.address() + " neither succeeds nor is refused within "
                    + CONNECT_TIMEOUT.toMillis() + " ms");
        } catch (IOException e) {
            return Optional.empty(); // refused: nothing listens
        }
    }

    /**
     * The names the program may run under: as configured, and the file it resolves to on the {@code PATH} through
     * links ({@code sh} runs as {@code dash} on Debian, and the kernel names the process by the file it runs).
     */
    private static Set<String> programNames(String command) {
        Set<String> names = new HashSet<>();
        names.add(baseName(command));
        List<Path> candidates = new ArrayList<>();
        if (command.contains("/")) {
            candidates.add(Path.of(command));
        } else {
            String path = System.getenv().getOrDefault("PATH", "");
            for (String dir : path.split(java.io.File.pathSeparator)) {
                if (!dir.isEmpty()) {
                    candidates.add(Path.of(dir, command));
                }
            }
        }
        for (Path candidate : candidates) {
            try {
                names.add(baseName(candidate.toRealPath().toString()));
                break;
            } catch (IOException | RuntimeException e) {
                // not there: try the next directory of the PATH
            }
        }
        return names;
    }

    private static String baseName(String command) {
        Path name = Path.of(command).getFileName();
        return name == null ? command : name.toString();
    }
}
