package org.distributedtesting.recovery.examples.ratis.harness;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.core.supervise.LocalProcessSupervisor;

/**
 * What a failed test or run prints to be understood afterwards: where the harness' files are, the daemon's timeline
 * and the tail of its log, and the tail of every node's log with the node's status now.
 *
 * <p>Stateless and thread-safe.
 */
final class Diagnostics {

    private static final int DAEMON_LOG_LINES = 60;
    private static final int NODE_LOG_LINES = 30;

    private Diagnostics() {
    }

    /**
     * Prints everything there is: a harness that failed to start has no daemon yet, or no nodes.
     *
     * @param root   the harness' directory
     * @param daemon the daemon, or null when it was not started
     * @param nodes  the nodes laid out so far
     * @param probe  asks the nodes for their status, or null when it was not made
     */
    static void print(PrintStream out, Path root, DaemonProcess daemon, List<NodeSpec> nodes, ClusterProbe probe) {
        out.println("---- harness in " + root);
        if (daemon != null) {
            out.println("---- daemon timeline (" + daemon.stdoutFile() + ")");
            daemon.lines().forEach(out::println);
            out.println("---- daemon log, last " + DAEMON_LOG_LINES + " lines (" + daemon.stderrFile() + ")");
            tail(daemon.logLines(), DAEMON_LOG_LINES).forEach(out::println);
        }
        for (NodeSpec spec : nodes) {
            Path log = spec.dataDir().resolve(LocalProcessSupervisor.LOG_FILE);
            List<String> lines = DaemonProcess.completeLines(log);
            Optional<NodeStatus> status = probe == null ? Optional.empty() : probe.statusIfUp(spec.id().value());
            out.println("---- " + spec.id() + " log, last " + NODE_LOG_LINES + " lines (" + log + "); status "
                    + status.map(Object::toString).orElse("unreachable"));
            tail(lines, NODE_LOG_LINES).forEach(out::println);
        }
    }

    private static List<String> tail(List<String> lines, int count) {
        return lines.subList(Math.max(0, lines.size() - count), lines.size());
    }
}
