package org.distributedtesting.recovery;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the configuration says about one node: where it listens, where its data lives, how to reach it another
 * way, and how to start its process: as a local child process ({@code startCommand}) or through commands that
 * start, stop and watch it elsewhere ({@code supervision}), never both.
 *
 * <p>Immutable and thread-safe.
 *
 * @param id                   the node's identity
 * @param host                 host name or address the node's protocol listens on
 * @param port                 TCP port of the node's protocol, 1..65535
 * @param dataDir              the node's data directory (database, log, process output)
 * @param alternativeAddresses other {@code host:port} addresses of the same node, tried when the main one fails
 * @param startCommand         command line that starts the node's process; empty when the node is not supervised
 *                             by this library
 * @param maintenanceCommand   command line of the node's repair tool, run while the node is stopped to move aside,
 *                             restore or reset its data; empty when the node's data is repaired some other way
 * @param pidFile              the pid file of a node whose process another tool started (systemd's
 *                             {@code PIDFile=}, a script's), through which a supervisor adopts it; empty when none
 * @param supervision          the commands that start, stop and watch a process this library cannot run itself (on
 *                             another host, under systemd); empty when none
 */
public record NodeSpec(NodeId id, String host, int port, Path dataDir, List<String> alternativeAddresses,
                       List<String> startCommand, List<String> maintenanceCommand, Optional<Path> pidFile,
                       Optional<SupervisionCommands> supervision) {

    /**
     * @throws NullPointerException if any argument is null
     * @throws IllegalArgumentException if {@code host} is blank, {@code port} is outside 1..65535, or the node has
     *                                  both a start command and supervision commands
     */
    public NodeSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(dataDir, "dataDir");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host of node '" + id + "' must not be blank");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port of node '" + id + "' must be in 1..65535, but was " + port);
        }
        alternativeAddresses = List.copyOf(alternativeAddresses);
        startCommand = List.copyOf(startCommand);
        maintenanceCommand = List.copyOf(maintenanceCommand);
        Objects.requireNonNull(pidFile, "pidFile");
        Objects.requireNonNull(supervision, "supervision");
        if (!startCommand.isEmpty() && supervision.isPresent()) {
            throw new IllegalArgumentException("node '" + id + "' has both a start command and supervision commands;"
                    + " its process is run either by this library or by those commands, not both");
        }
    }

    /**
     * A node without supervision commands.
     *
     * @throws NullPointerException if any argument is null
     * @throws IllegalArgumentException if {@code host} is blank or {@code port} is outside 1..65535
     */
    public NodeSpec(NodeId id, String host, int port, Path dataDir, List<String> alternativeAddresses,
                    List<String> startCommand, List<String> maintenanceCommand, Optional<Path> pidFile) {
        this(id, host, port, dataDir, alternativeAddresses, startCommand, maintenanceCommand, pidFile,
                Optional.empty());
    }

    /**
     * A node without a pid file of another tool.
     *
     * @throws NullPointerException if any argument is null
     * @throws IllegalArgumentException if {@code host} is blank or {@code port} is outside 1..65535
     */
    public NodeSpec(NodeId id, String host, int port, Path dataDir, List<String> alternativeAddresses,
                    List<String> startCommand, List<String> maintenanceCommand) {
        this(id, host, port, dataDir, alternativeAddresses, startCommand, maintenanceCommand, Optional.empty());
    }

    /**
     * A node without a maintenance command.
     *
     * @throws NullPointerException if any argument is null
     * @throws IllegalArgumentException if {@code host} is blank or {@code port} is outside 1..65535
     */
    public NodeSpec(NodeId id, String host, int port, Path dataDir, List<String> alternativeAddresses,
                    List<String> startCommand) {
        this(id, host, port, dataDir, alternativeAddresses, startCommand, List.of());
    }

    /** A node with no alternative addresses and no start command. */
    public static NodeSpec of(String id, String host, int port, Path dataDir) {
        return new NodeSpec(NodeId.of(id), host, port, dataDir, List.of(), List.of());
    }

    /** Whether this library can start and stop the node's process: it has a start command or supervision commands. */
    public boolean supervised() {
        return !startCommand.isEmpty() || supervision.isPresent();
    }

    /**
     * The same node, its process started, stopped and watched through {@code commands}.
     *
     * @throws NullPointerException if {@code commands} is null
     * @throws IllegalArgumentException if the node has a start command
     */
    public NodeSpec withSupervision(SupervisionCommands commands) {
        return new NodeSpec(id, host, port, dataDir, alternativeAddresses, startCommand, maintenanceCommand, pidFile,
                Optional.of(Objects.requireNonNull(commands, "commands")));
    }

    /** Whether a maintenance command repairs this node's data while it is stopped. */
    public boolean hasMaintenanceCommand() {
        return !maintenanceCommand.isEmpty();
    }

    /** {@code host:port} of the node's protocol. */
    public String address() {
        return host + ":" + port;
    }
}
