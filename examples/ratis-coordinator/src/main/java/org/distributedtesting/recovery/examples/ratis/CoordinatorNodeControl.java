package org.distributedtesting.recovery.examples.ratis;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftConfiguration;
import org.apache.ratis.server.RaftServer;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.NodeControl;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.Operation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host-side {@link NodeControl} of one running coordinator node: every recovery action carried out with real
 * Apache Ratis operations on this node's server, for the node protocol's control endpoints.
 *
 * <table>
 *   <caption>Actions and what they do here</caption>
 *   <tr><th>action</th><th>carried out as</th></tr>
 *   <tr><td>StepDown</td><td>Ratis {@code transferLeadership} to the successor, or a step-down without one</td></tr>
 *   <tr><td>SetElectionsPaused</td><td>Ratis leader election management: pause or resume this node's elections</td></tr>
 *   <tr><td>CleanupResources</td><td>a snapshot (creation gap 1), after which Ratis purges the log up to it; old
 *       snapshots, backups beyond retention and stale temporary files deleted</td></tr>
 *   <tr><td>TriggerSync</td><td>a linearizable read served by this node, which waits until it has applied the
 *       leader's commit index; failed early when the node applies more slowly than entries are committed, or
 *       would not catch up within 8 s ({@code CatchUp})</td></tr>
 *   <tr><td>SetVoter</td><td>Ratis {@code setConfiguration}, moving this node between voters and listeners; a
 *       demoted node's elections stay paused until it is promoted (see {@code setVoter})</td></tr>
 *   <tr><td>CancelOperations</td><td>refused for applies: a committed entry must be applied by every replica</td></tr>
 *   <tr><td>RaiseTerm</td><td>failed: Ratis has no operation that sets a term</td></tr>
 *   <tr><td>MoveAside, Restore, Reset</td><td>refused: the data of a running node is not moved; stop it and use
 *       {@link LocalDataDirControl}</td></tr>
 *   <tr><td>Stop</td><td>the node closes itself; Start and Restart need a process supervisor</td></tr>
 *   <tr><td>Custom</td><td>see {@link CustomActions}</td></tr>
 * </table>
 *
 * <p>Thread-safe: every admin operation uses a fresh Ratis client.
 */
public final class CoordinatorNodeControl implements NodeControl {

    private static final Logger LOG = LoggerFactory.getLogger(CoordinatorNodeControl.class);

    /** How long one admin operation may take, retries across leader changes included. */
    public static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(10);

    /** How often a sync samples the node's progress while it waits ({@link CatchUp}). */
    private static final Duration SYNC_SAMPLE = Duration.ofMillis(250);

    /** Backups kept per artifact by cleanup. */
    public static final int BACKUPS_RETAINED = 3;

    private final CoordinatorNode node;
    private final Runnable onStop;
    private final CustomActions custom;
    /** Whether elections were paused by a SetElectionsPaused action (a demotion pauses them too, on its own). */
    private final AtomicBoolean operatorPaused = new AtomicBoolean();

    CoordinatorNodeControl(CoordinatorNode node, Runnable onStop) {
        this.node = Objects.requireNonNull(node, "node");
        this.onStop = Objects.requireNonNull(onStop, "onStop");
        this.custom = new CustomActions(node);
    }

    @Override
    public ActionResult execute(Action action) throws Exception {
        if (!action.node().equals(node.id())) {
            return new ActionResult.Failed("this control acts on '" + node.id() + "' only, not on '" + action.node()
                    + "'");
        }
        return switch (action.kind()) {
            case START, RESTART -> new ActionResult.Failed("start/restart need a process supervisor");
            case STOP -> stop();
            case MOVE_ASIDE, RESTORE, RESET -> new ActionResult.Failed("refused: '" + node.id() + "' is running and"
                    + " holds its data directory; stop it, then " + action.name() + " works on the stopped node's data"
                    + " (LocalDataDirControl)");
            case RAISE_TERM -> new ActionResult.Failed("Apache Ratis has no operation that sets a term: a node takes a"
                    + " higher term (" + ((Action.RaiseTerm) action).term() + ") only from a leader's or candidate's"
                    + " message, so a lagging node catches up on the leader's next heartbeat once it hears it");
            case CHECK_DATA -> new ActionResult.Failed("'" + node.id() + "' is running: check_data is for the data of a"
                    + " stopped node (its maintenance command); a running node reports its checks in its status");
            case CUSTOM -> custom.execute((Action.Custom) action);
            case CANCEL_OPERATIONS -> cancel((Action.CancelOperations) action);
            case TRIGGER_SYNC -> sync((Action.TriggerSync) action);
            case STEP_DOWN, PAUSE_ELECTIONS, RESUME_ELECTIONS, CLEANUP_RESOURCES, DEMOTE, PROMOTE -> onRaft(action);
        };
    }

    private ActionResult stop() {
        Thread stopper = new Thread(() -> {
            node.close();
            onStop.run();
        }, "coordinator-stop");
        stopper.start();
        return ActionResult.Done.of("'" + node.id() + "' is stopping");
    }

    /** The actions that need this node's Raft server running. */
    private ActionResult onRaft(Action action) throws Exception {
        Optional<RaftServer.Division> division = node.division();
        if (division.isEmpty()) {
            return new ActionResult.Failed("the Raft server of '" + node.id() + "' is not running: "
                    + node.startupLogVerdict().or(node::startupDatabaseVerdict).map(c -> c.detail()).orElse("starting"));
        }
        return switch (action.kind()) {
            case STEP_DOWN -> stepDown(division.get(), (Action.StepDown) action);
            case PAUSE_ELECTIONS, RESUME_ELECTIONS -> elections(division.get(),
                    ((Action.SetElectionsPaused) action).paused());
            case CLEANUP_RESOURCES -> new Cleanup(node).run(division.get());
            case DEMOTE, PROMOTE -> setVoter(division.get(), ((Action.SetVoter) action).voter());
            case START, STOP, RESTART, MOVE_ASIDE, RESTORE, RESET, CHECK_DATA, RAISE_TERM, CUSTOM, CANCEL_OPERATIONS,
                 TRIGGER_SYNC ->
                    new ActionResult.Failed("action '" + action.name() + "' does not need the Raft server");
        };
    }

    private ActionResult stepDown(RaftServer.Division division, Action.StepDown action) throws IOException {
        if (!division.getInfo().isLeader()) {
            return new ActionResult.Failed("'" + node.id() + "' is not the leader (it follows '"
                    + division.getInfo().getLeaderId() + "'); only a leader steps down");
        }
        RaftPeerId successor = action.successor().map(s -> RaftPeerId.valueOf(s.value())).orElse(null);
        long term = division.getInfo().getCurrentTerm();
        try (RaftClient client = node.newClient(ADMIN_TIMEOUT)) {
            RaftClientReply reply = client.admin().transferLeadership(successor, node.self().raftId(),
                    ADMIN_TIMEOUT.toMillis());
            if (!reply.isSuccess()) {
                return new ActionResult.Failed("transfer of leadership failed: " + reply.getException());
            }
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("term", term);
        action.successor().ifPresent(s -> data.put("successor", s.value()));
        return new ActionResult.Done(successor == null ? "'" + node.id() + "' stepped down in term " + term
                : "leadership of term " + term + " handed to '" + successor + "'", data);
    }

    private ActionResult elections(RaftServer.Division division, boolean paused) throws IOException {
        operatorPaused.set(paused);
        // a non-voter stays paused whatever is asked: see setVoter
        boolean pause = paused || !isVoter(division);
        Optional<String> failure = pauseElections(pause);
        if (failure.isPresent()) {
            return new ActionResult.Failed("leader election management failed: " + failure.get());
        }
        if (pause && !paused) {
            return ActionResult.Done.of("elections of '" + node.id() + "' resume when it is promoted: as a"
                    + " non-voter it must not campaign");
        }
        return ActionResult.Done.of(paused ? "elections of '" + node.id() + "' paused: it votes but never campaigns"
                : "elections of '" + node.id() + "' resumed");
    }

    /** Pauses or resumes this node's elections in Ratis; returns why that failed, if it did. */
    private Optional<String> pauseElections(boolean pause) throws IOException {
        try (RaftClient client = node.newClient(ADMIN_TIMEOUT)) {
            RaftPeerId self = node.self().raftId();
            RaftClientReply reply = pause ? client.getLeaderElectionManagementApi(self).pause()
                    : client.getLeaderElectionManagementApi(self).resume();
            if (!reply.isSuccess()) {
                return Optional.of(String.valueOf(reply.getException()));
            }
        }
        node.electionsPaused(pause);
        return Optional.empty();
    }

    private boolean isVoter(RaftServer.Division division) {
        RaftPeerId self = node.self().raftId();
        return division.getRaftConf().getCurrentPeers(RaftPeerRole.FOLLOWER).stream()
                .anyMatch(p -> p.getId().equals(self));
    }

    private ActionResult cancel(Action.CancelOperations action) {
        List<Operation> running = node.stateMachine() == null ? List.of() : node.stateMachine().operations();
        List<String> asked = action.operationIds();
        List<String> blocked = new ArrayList<>();
        for (Operation op : running) {
            if (asked.isEmpty() || asked.contains(op.id())) {
                blocked.add(op.id());
            }
        }
        if (blocked.isEmpty()) {
            return ActionResult.Done.of("no such operation runs any more: " + (asked.isEmpty() ? "none" : asked));
        }
        return new ActionResult.Failed("operations " + blocked + " apply committed log entries or snapshot them:"
                + " every replica must apply each committed entry, so they cannot be cancelled;"
                + " restart_stuck_component releases or retries a stuck apply");
    }

    private ActionResult sync(Action.TriggerSync action) throws IOException, InterruptedException {
        long before = node.stateMachine().applied().index();
        CatchUp catchUp = new CatchUp(node.id().value(), commitIndex(), before);
        long start = System.nanoTime();
        RaftClient client = node.newClient(ADMIN_TIMEOUT);
        Optional<String> failure;
        try {
            failure = awaitCatchUp(client, catchUp, start);
        } catch (InterruptedException | RuntimeException e) {
            client.close();
            throw e;
        }
        if (failure.isPresent()) {
            // the read was cancelled: closing the client waits for gRPC's graceful shutdown of the call in flight
            // (3 s), which the daemon need not wait for
            CompletableFuture.runAsync(() -> closeQuietly(client));
            return new ActionResult.Failed(failure.get());
        }
        client.close();
        long after = node.stateMachine().applied().index();
        String leader = node.division().map(d -> String.valueOf(d.getInfo().getLeaderId())).orElse("unknown");
        return new ActionResult.Done("'" + node.id() + "' caught up to the leader's commit index: applied " + before
                + " -> " + after + " (Raft syncs from the leader '" + leader + "'; asked for '" + action.from() + "')",
                Map.of("applied_before", before, "applied_after", after));
    }

    /**
     * A linearizable read on this node: it asks the leader for its commit index and answers only once it has applied
     * that far; meanwhile the rates say whether it gets there at all.
     *
     * @return why the node did not catch up, or empty once it has
     */
    private Optional<String> awaitCatchUp(RaftClient client, CatchUp catchUp, long start)
            throws InterruptedException {
        CompletableFuture<RaftClientReply> read = client.async().sendReadOnly(Message.valueOf("summary"),
                node.self().raftId());
        while (true) {
            try {
                RaftClientReply reply = read.get(SYNC_SAMPLE.toMillis(), TimeUnit.MILLISECONDS);
                return reply.isSuccess() ? Optional.empty()
                        : Optional.of("the node did not catch up: " + reply.getException());
            } catch (TimeoutException e) {
                Optional<String> verdict = catchUp.judge(Duration.ofNanos(System.nanoTime() - start), commitIndex(),
                        node.stateMachine().applied().index());
                if (verdict.isPresent()) {
                    read.cancel(true);
                    return verdict;
                }
            } catch (ExecutionException e) {
                return Optional.of("the node did not catch up: " + e.getCause());
            }
        }
    }

    private static void closeQuietly(RaftClient client) {
        try {
            client.close();
        } catch (IOException e) {
            LOG.warn("closing the sync's Raft client failed", e);
        }
    }

    /** This node's commit index, or -1 while its Raft server is not running. */
    private long commitIndex() {
        return node.division().map(d -> d.getRaftLog().getLastCommittedIndex()).orElse(-1L);
    }

    private ActionResult setVoter(RaftServer.Division division, boolean voter) throws IOException {
        RaftConfiguration conf = division.getRaftConf();
        RaftPeerId self = node.self().raftId();
        List<RaftPeer> voters = new ArrayList<>(conf.getCurrentPeers(RaftPeerRole.FOLLOWER));
        List<RaftPeer> listeners = new ArrayList<>(conf.getCurrentPeers(RaftPeerRole.LISTENER));
        boolean isVoter = voters.stream().anyMatch(p -> p.getId().equals(self));
        if (isVoter == voter) {
            return ActionResult.Done.of("'" + node.id() + "' is " + (voter ? "a voter" : "a non-voter") + " already");
        }
        if (!voter && division.getInfo().isLeader()) {
            return new ActionResult.Failed("'" + node.id() + "' leads: step it down before demoting it");
        }
        List<RaftPeer> from = voter ? listeners : voters;
        RaftPeer peer = from.stream().filter(p -> p.getId().equals(self)).findFirst().orElseThrow();
        from.remove(peer);
        RaftPeer moved = RaftPeer.newBuilder(peer).setStartupRole(voter ? RaftPeerRole.FOLLOWER
                : RaftPeerRole.LISTENER).build();
        (voter ? voters : listeners).add(moved);
        if (!voter) {
            // Ratis 3.3 keeps a running follower demoted to listener in its FOLLOWER role; when its election timer
            // fires it campaigns, is told it is not in the configuration, and shuts its server down. Paused
            // elections keep the demoted node from ever campaigning.
            Optional<String> failure = pauseElections(true);
            if (failure.isPresent()) {
                return new ActionResult.Failed("pausing the elections before the demotion failed: " + failure.get());
            }
        }
        try (RaftClient client = node.newClient(ADMIN_TIMEOUT)) {
            RaftClientReply reply = client.admin().setConfiguration(voters, listeners);
            if (!reply.isSuccess()) {
                String restore = pauseElections(operatorPaused.get() || !isVoter(division))
                        .map(f -> "; restoring its election pause failed too: " + f).orElse("");
                return new ActionResult.Failed("setConfiguration failed: " + reply.getException() + restore);
            }
        }
        String resumed = "";
        if (voter) {
            resumed = pauseElections(operatorPaused.get()).map(f -> "; but resuming its elections failed: " + f)
                    .orElse("");
        }
        return new ActionResult.Done(voter ? "'" + node.id() + "' promoted to voter" + resumed
                : "'" + node.id() + "' demoted to listener (non-voter); its elections stay paused until promoted",
                Map.of("voters", voters.stream().map(p -> p.getId().toString()).sorted().toList(),
                        "listeners", listeners.stream().map(p -> p.getId().toString()).sorted().toList()));
    }

    /** The node this control acts on. */
    public NodeId node() {
        return node.id();
    }
}
