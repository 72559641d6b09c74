package org.distributedtesting.recovery.strategies.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.core.http.client.HttpNodeControl;
import org.distributedtesting.recovery.core.http.client.NodeRoutes;

/**
 * The daemon's check, at its start, that every node accepts its control token: {@code POST /api/control/ping}, an
 * authenticated request that changes nothing, to each node at once. A node that refuses the token would otherwise
 * show it only when the first recovery action fails on it. The outcome is reported, never fatal: a node that does
 * not answer yet (it is down, or the daemon is about to start it) is said to be unchecked.
 *
 * <p>Stateless; each {@link #run} owns and ends its threads and its HTTP client.
 */
final class TokenCheck {

    private TokenCheck() {
    }

    /**
     * One line per node, in the nodes' order: whether it accepts the token, refuses it, or could not be asked.
     *
     * @param timeout how long each node has to answer (the probe timeout)
     */
    static List<String> run(List<NodeSpec> nodes, Supplier<String> token, NodeRoutes routes, Duration timeout)
            throws InterruptedException {
        if (nodes.isEmpty()) {
            return List.of();
        }
        ExecutorService threads = Executors.newFixedThreadPool(nodes.size(), r -> {
            Thread thread = new Thread(r, "token-check");
            thread.setDaemon(true);
            return thread;
        });
        try (HttpNodeControl control = HttpNodeControl.builder().nodes(nodes).token(token).routes(routes)
                .deadline(timeout).build()) {
            List<Future<ActionResult>> answers = new ArrayList<>();
            for (NodeSpec node : nodes) {
                answers.add(threads.submit(() -> control.ping(node.id())));
            }
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < nodes.size(); i++) {
                lines.add(line(nodes.get(i), answers.get(i)));
            }
            return List.copyOf(lines);
        } finally {
            threads.shutdownNow();
        }
    }

    private static String line(NodeSpec node, Future<ActionResult> answer) throws InterruptedException {
        ActionResult result;
        try {
            result = answer.get();
        } catch (ExecutionException e) {
            result = new ActionResult.Failed(String.valueOf(e.getCause()));
        }
        String id = node.id().value();
        return result.done() ? id + " accepts the control token" : failure(id, result.detail());
    }

    private static String failure(String id, String detail) {
        if (detail.contains("HTTP 401")) {
            return id + " refuses the control token: " + detail + "; give its NodeProtocolServer the daemon's token"
                    + " (a node the daemon starts finds it in RECOVERY_CONTROL_TOKEN; docs/node-protocol.md)";
        }
        if (detail.contains("HTTP 404") || detail.contains("HTTP 405")) {
            return id + " does not answer POST " + HttpNodeControl.PING_PATH + " (" + detail + "), so whether it"
                    + " accepts the control token is known only when the first control action reaches it";
        }
        return id + " could not be asked whether it accepts the control token (" + detail + "); it is checked by"
                + " its first control action";
    }
}
