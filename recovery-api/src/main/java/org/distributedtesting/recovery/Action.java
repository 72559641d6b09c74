package org.distributedtesting.recovery;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One thing a strategy asks to be done to one node. Strategies never act on nodes directly: they hand actions
 * to {@link RecoveryContext#perform(Action, String)}, where the engine applies its safety guards (quorum budget,
 * backup before destructive steps, no suspect source, dry run), journals the action and only then passes it to
 * the {@link NodeControl}.
 *
 * <p>A sealed family, and each action names its {@link ActionKind}: a consumer {@code switch}es over
 * {@link #kind()} in a switch expression without {@code default}, so that a kind added later is a compile error
 * wherever it is not handled (Java 17 checks a switch expression over an enum for exhaustiveness; it cannot do so
 * for a sealed interface, whose pattern {@code case}s need Java 21; and a switch statement is not checked at all):
 *
 * <pre>{@code
 * ActionResult result = switch (action.kind()) {
 *     case START, RESTART -> startProcess(action.node());
 *     case STOP -> stopProcess(action.node());
 *     case RAISE_TERM -> raiseTerm((Action.RaiseTerm) action);
 *     ...
 * };
 * }</pre>
 *
 * Host-specific actions use {@link Custom}. All actions are immutable and thread-safe.
 */
public sealed interface Action {

    /** What an action does to the cluster's ability to keep a quorum and to the node's data. */
    enum Impact {
        /** Harmless to availability and data (cancel an operation, step down, trigger a sync). */
        NONE,
        /** Brings a node that is down back (start a process). */
        RESTORING,
        /** Takes a node's vote away for a while (stop, restart, demote). */
        DISRUPTIVE,
        /** Replaces or discards a node's persistent data (reset a log, restore a database); backed up first. */
        DESTRUCTIVE
    }

    /** The persistent data of a node that an action may move aside or replace. */
    enum Artifact {
        /** The node's database (materialized state). */
        DATABASE,
        /** The node's Raft log. */
        LOG,
        /** The node's snapshots and backups. */
        SNAPSHOTS;

        /** The artifact's name in the journal and the node protocol, such as {@code database}. */
        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** The journal name of an action of {@code kind} on this artifact, such as {@code move_aside_database}. */
        String journalName(ActionKind kind) {
            return kind.journalName() + "_" + wireName();
        }
    }

    /** The node acted upon. */
    NodeId node();

    /** What the action is. */
    ActionKind kind();

    /** The action's name in the journal, snake case (for example {@code restart_node}); by default its kind's. */
    default String name() {
        return kind().journalName();
    }

    /** What the action does to availability and data; by default its kind's. */
    default Impact impact() {
        return kind().impact();
    }

    /** How to undo the action by hand, for the dry-run plan and the journal; by default its kind's. */
    default String rollback() {
        return kind().rollback();
    }

    /** The node data is copied from, for actions that copy data. */
    default Optional<NodeId> source() {
        return Optional.empty();
    }

    /** The action's parameters for the journal. */
    default Map<String, Object> parameters() {
        return Map.of();
    }

    /** Starts a node's process that is down. */
    record Start(NodeId node) implements Action {
        /** @throws NullPointerException if {@code node} is null */
        public Start {
            Objects.requireNonNull(node, "node");
        }

        @Override
        public ActionKind kind() {
            return ActionKind.START;
        }
    }

    /** Stops a node's process. */
    record Stop(NodeId node) implements Action {
        /** @throws NullPointerException if {@code node} is null */
        public Stop {
            Objects.requireNonNull(node, "node");
        }

        @Override
        public ActionKind kind() {
            return ActionKind.STOP;
        }
    }

    /**
     * Restarts a node's process (starts it if it is down).
     *
     * @param node the node
     * @param name the journal name: {@code restart_node}, or one that says why, such as
     *             {@code restart_deadlocked_node}
     */
    record Restart(NodeId node, String name) implements Action {
        /** @throws NullPointerException if any argument is null */
        public Restart {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(name, "name");
        }

        /** A restart journaled as {@code restart_node}. */
        public Restart(NodeId node) {
            this(node, ActionKind.RESTART.journalName());
        }

        @Override
        public ActionKind kind() {
            return ActionKind.RESTART;
        }
    }

    /** Asks a leader to step down, optionally handing leadership to a chosen node. */
    record StepDown(NodeId node, Optional<NodeId> successor) implements Action {
        /** @throws NullPointerException if any argument is null */
        public StepDown {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(successor, "successor");
        }

        @Override
        public ActionKind kind() {
            return ActionKind.STEP_DOWN;
        }

        @Override
        public Map<String, Object> parameters() {
            return successor.<Map<String, Object>>map(s -> Map.of("successor", s.value())).orElse(Map.of());
        }
    }

    /** Stops ({@code paused = true}) or allows again a node's election timer. */
    record SetElectionsPaused(NodeId node, boolean paused) implements Action {
        /** @throws NullPointerException if {@code node} is null */
        public SetElectionsPaused {
            Objects.requireNonNull(node, "node");
        }

        @Override
        public ActionKind kind() {
            return paused ? ActionKind.PAUSE_ELECTIONS : ActionKind.RESUME_ELECTIONS;
        }
    }

    /** Cancels operations in flight on a node; an empty list cancels every blocked operation. */
    record CancelOperations(NodeId node, List<String> operationIds) implements Action {
        /** @throws NullPointerException if any argument is null */
        public CancelOperations {
            Objects.requireNonNull(node, "node");
            operationIds = List.copyOf(operationIds);
        }

        @Override
        public ActionKind kind() {
            return ActionKind.CANCEL_OPERATIONS;
        }

        @Override
        public Map<String, Object> parameters() {
            return Map.of("operation_ids", operationIds);
        }
    }

    /** Frees resources on a node: compacts, purges old snapshots and backups beyond retention. */
    record CleanupResources(NodeId node) implements Action {
        /** @throws NullPointerException if {@code node} is null */
        public CleanupResources {
            Objects.requireNonNull(node, "node");
        }

        @Override
        public ActionKind kind() {
            return ActionKind.CLEANUP_RESOURCES;
        }
    }

    /**
     * Asks a node to catch up from {@code from}, through the normal replication path.
     *
     * @param node the lagging node
     * @param from the node to catch up from (usually the leader)
     * @param name the journal name: {@code trigger_sync}, or one that says why
     */
    record TriggerSync(NodeId node, NodeId from, String name) implements Action {
        /** @throws NullPointerException if any argument is null */
        public TriggerSync {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(name, "name");
        }

        /** A sync journaled as {@code trigger_sync}. */
        public TriggerSync(NodeId node, NodeId from) {
            this(node, from, ActionKind.TRIGGER_SYNC.journalName());
        }

        @Override
        public ActionKind kind() {
            return ActionKind.TRIGGER_SYNC;
        }

        @Override
        public Optional<NodeId> source() {
            return Optional.of(from);
        }
    }

    /**
     * Moves a node's artifact aside (renamed with a timestamp, never deleted). This is the backup the engine
     * requires before a destructive action when {@code backup_before_recovery} is on.
     */
    record MoveAside(NodeId node, Artifact artifact) implements Action {
        /** @throws NullPointerException if any argument is null */
        public MoveAside {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(artifact, "artifact");
        }

        @Override
        public ActionKind kind() {
            return ActionKind.MOVE_ASIDE;
        }

        @Override
        public String name() {
            return artifact.journalName(ActionKind.MOVE_ASIDE);
        }
    }

    /**
     * Replaces a node's artifact with a consistent copy from {@code from}. The built-in repairs send it to a stopped
     * node (through its maintenance command) and, once the node is back, ask the current leader to step down
     * ({@link StepDown}), so that a new leader tracks the repaired node's replication afresh; a node must expect both
     * (docs/node-protocol.md, {@code restore}).
     */
    record Restore(NodeId node, Artifact artifact, NodeId from) implements Action {
        /** @throws NullPointerException if any argument is null */
        public Restore {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(artifact, "artifact");
            Objects.requireNonNull(from, "from");
        }

        @Override
        public ActionKind kind() {
            return ActionKind.RESTORE;
        }

        @Override
        public String name() {
            return artifact.journalName(ActionKind.RESTORE);
        }

        @Override
        public Optional<NodeId> source() {
            return Optional.of(from);
        }
    }

    /** Empties a node's artifact so that it is rebuilt (a reset log is refilled by the leader). */
    record Reset(NodeId node, Artifact artifact) implements Action {
        /** @throws NullPointerException if any argument is null */
        public Reset {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(artifact, "artifact");
        }

        @Override
        public ActionKind kind() {
            return ActionKind.RESET;
        }

        @Override
        public String name() {
            return artifact.journalName(ActionKind.RESET);
        }
    }

    /**
     * Runs the node's own integrity checks of its log and database on its data while its process does not run (a
     * process that fails to start on damaged data cannot say so itself). The result's data holds {@code log} and
     * {@code database}, each {@code {"status": "ok"|"failed"|"unknown", "detail": "..."}}.
     */
    record CheckData(NodeId node) implements Action {
        /** @throws NullPointerException if {@code node} is null */
        public CheckData {
            Objects.requireNonNull(node, "node");
        }

        @Override
        public ActionKind kind() {
            return ActionKind.CHECK_DATA;
        }
    }

    /** Changes a node's voting membership: demote to non-voter or promote back to voter. */
    record SetVoter(NodeId node, boolean voter) implements Action {
        /** @throws NullPointerException if {@code node} is null */
        public SetVoter {
            Objects.requireNonNull(node, "node");
        }

        @Override
        public ActionKind kind() {
            return voter ? ActionKind.PROMOTE : ActionKind.DEMOTE;
        }
    }

    /** Raises a lagging node's term to {@code term}; terms are never lowered. */
    record RaiseTerm(NodeId node, long term) implements Action {
        /**
         * @throws NullPointerException if {@code node} is null
         * @throws IllegalArgumentException if {@code term} is negative
         */
        public RaiseTerm {
            Objects.requireNonNull(node, "node");
            if (term < 0) {
                throw new IllegalArgumentException("term must be >= 0, but was " + term);
            }
        }

        @Override
        public ActionKind kind() {
            return ActionKind.RAISE_TERM;
        }

        @Override
        public Map<String, Object> parameters() {
            return Map.of("term", term);
        }
    }

    /**
     * A host-specific action, for custom strategies and controls. The host's {@link NodeControl} interprets it;
     * the engine guards it by its declared impact.
     *
     * @param node       the node
     * @param name       the journal name, snake case
     * @param impact     what it does to availability and data
     * @param parameters JSON-friendly parameters; kept sorted by key
     */
    record Custom(NodeId node, String name, Impact impact, Map<String, Object> parameters) implements Action {
        /** @throws NullPointerException if any argument is null */
        public Custom {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(impact, "impact");
            // sorted by key, so that the journal's record is the same bytes in every run
            parameters = Collections.unmodifiableMap(new TreeMap<>(parameters));
            parameters.values().forEach(v -> Objects.requireNonNull(v, "parameter values must not be null"));
        }

        @Override
        public ActionKind kind() {
            return ActionKind.CUSTOM;
        }

        @Override
        public String rollback() {
            return "see the host documentation of action '" + name + "'";
        }
    }
}
