package org.distributedtesting.recovery;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The commands that start, stop and ask about a node's process when this library cannot run the process itself:
 * a node on another host ({@code ssh HOST systemctl ...}), a systemd unit, a pod ({@code kubectl ...}). Config
 * {@code nodes[].supervise}; the contract the commands follow is the supervisor's ({@code CommandSupervisor} in
 * the core module, and {@code docs/node-protocol.md}, "Nodes on other hosts").
 *
 * <p>Immutable and thread-safe.
 *
 * @param start   argv that starts the node's process; exit code 0 when it has started
 * @param stop    argv that stops it; exit code 0 when it has ended
 * @param status  argv that says whether it runs: exit code 0 running, {@value #EXIT_STOPPED} stopped, any other
 *                code unknown
 * @param timeout how long one command may run before it and its child processes are killed
 */
public record SupervisionCommands(List<String> start, List<String> stop, List<String> status, Duration timeout) {

    /** The status command's exit code for a process that does not run, as LSB init scripts and systemctl say it. */
    public static final int EXIT_STOPPED = 3;

    /** How long one command may run when the configuration does not say: an ssh login and a systemctl call. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    /**
     * @throws NullPointerException     if any argument or argument of a command is null
     * @throws IllegalArgumentException if a command is empty or its program blank, or {@code timeout} is not
     *                                  positive
     */
    public SupervisionCommands {
        start = command(start, "start");
        stop = command(stop, "stop");
        status = command(status, "status");
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be > 0, but was " + timeout);
        }
    }

    /**
     * Commands with the {@link #DEFAULT_TIMEOUT}.
     *
     * @throws NullPointerException     if any argument or argument of a command is null
     * @throws IllegalArgumentException if a command is empty or its program blank
     */
    public SupervisionCommands(List<String> start, List<String> stop, List<String> status) {
        this(start, stop, status, DEFAULT_TIMEOUT);
    }

    private static List<String> command(List<String> command, String name) {
        List<String> copy = List.copyOf(Objects.requireNonNull(command, name));
        if (copy.isEmpty() || copy.get(0).isBlank()) {
            throw new IllegalArgumentException(name + " must name a program to run, but was " + copy);
        }
        return copy;
    }
}
