package org.distributedtesting.recovery.examples.custom;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.Role;
import org.distributedtesting.recovery.StateChecksum;
import org.distributedtesting.recovery.core.http.server.NodeProtocolServer;

/**
 * A node process for {@code CustomStrategyDaemonIT}: serves the node protocol (core's {@link NodeProtocolServer})
 * on 127.0.0.1 at a port the system picks, printed as {@code listening on PORT}, and claims a role in a term. A
 * node that claims leadership steps down when asked ({@code step_down_leader}): it then follows the leader given
 * by {@code --follows} in that leader's term, as a stale Raft leader does once it hears from the new one. Every
 * other control action fails. Its control endpoints require the token in {@code RECOVERY_CONTROL_TOKEN}. Usage: {@code ClaimingNode --id node-3 --term 1 --leader node-3 [--follows node-1
 * --follows-term 2]}.
 */
public final class ClaimingNode {

    private ClaimingNode() {
    }

    public static void main(String[] args) throws Exception {
        String id = null;
        long term = 0;
        String leader = null;
        String follows = null;
        long followsTerm = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--id" -> id = args[++i];
                case "--term" -> term = Long.parseLong(args[++i]);
                case "--leader" -> leader = args[++i];
                case "--follows" -> follows = args[++i];
                case "--follows-term" -> followsTerm = Long.parseLong(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        NodeId self = NodeId.of(id);
        // guarded by being an AtomicReference to an immutable status: the server's threads read it, a step-down sets it
        AtomicReference<NodeStatus> status = new AtomicReference<>(status(self.value().equals(leader) ? Role.LEADER
                : Role.FOLLOWER, term, NodeId.of(leader)));
        NodeId successor = follows == null ? null : NodeId.of(follows);
        long successorTerm = followsTerm;
        // the token the daemon sends, from the environment as docs/node-protocol.md tells a node
        NodeProtocolServer server = NodeProtocolServer.builder(self, status::get).port(0)
                .token(() -> System.getenv("RECOVERY_CONTROL_TOKEN")).control(action -> {
            if (action instanceof Action.StepDown && successor != null) {
                status.set(status(Role.FOLLOWER, successorTerm, successor));
                return ActionResult.Done.of("'" + self + "' stepped down and follows '" + successor + "' in term "
                        + successorTerm);
            }
            return new ActionResult.Failed("this test node does not do " + action.name());
        }).start();
        System.out.println("listening on " + server.port());
        System.out.flush();
        new CountDownLatch(1).await();
    }

    private static NodeStatus status(Role role, long term, NodeId leader) {
        return NodeStatus.builder().role(role).term(term).leader(leader).commitIndex(42).appliedIndex(42)
                .lastLogIndex(42).stateChecksum(new StateChecksum("c0ffee", 42)).build();
    }
}
