package org.distributedtesting.recovery;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One thing a strategy asks to be done to one node. Strategies never act on nodes directly: they hand actions
 * to {@link RecoveryContext#perform(Action, String)}, where the engine applies its safety guards (quorum budget,
 * backup before destructive steps, no suspect source, dry run), journals the action and only then passes it to
 * the {@link NodeControl}.
 *
 * <p>A sealed family: code that {@code switch}es over actions without {@code default} stops compiling when a
 * new one is added. Host-specific actions use {@link Custom}. All actions are immutable and thread-safe.
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
        SNAPSHOTS
    }

    /** The node acted upon. */
    NodeId node();

    /** The action's name in the journal, snake case (for example {@code restart_node}). */
    String name();

    /** What the action does to availability and data. */
    Impact impact();

    /** How to undo the action by hand, for the dry-run plan and the journal. */
    String rollback();

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
        public String name() {
            return "start_node";
        }

        @Override
        public String rollback() {
            return "stop_node, if the node must stay down";
        }

        @Override
        public Impact impact() {
            return Impact.RESTORING;
        }
    }

    /** Stops a node's process. */
    record Stop(NodeId node) implements Action {
        /** @throws NullPointerException if {@code node} is null */
        public Stop {
            Objects.requireNonNull(node, "node");
        }

        @Override
        public String name() {
            return "stop_node";
        }

        @Override
        public String rollback() {
            return "start_node";
        }

        @Override
        public Impact impact() {
            return Impact.DISRUPTIVE;
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
            this(node, "restart_node");
        }

        @Override
        public String rollback() {
            return "none needed: the process runs again; stop_node to take it out";
        }

        @Override
        public Impact impact() {
            return Impact.DISRUPTIVE;
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
        public String name() {
            return "step_down_leader";
        }

        @Override
        public String rollback() {
            return "none needed: the cluster elects a leader; transfer leadership back if wanted";
        }

        @Override
        public Impact impact() {
            return Impact.NONE;
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
        public String name() {
            return paused ? "pause_elections" : "resume_elections";
        }

        @Override
        public String rollback() {
            return paused ? "resume_elections" : "pause_elections";
        }

        @Override
        public Impact impact() {
            return Impact.NONE;
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
        public String name() {
            return "cancel_deadlocked_operations";
        }

        @Override
        public String rollback() {
            return "none: cancelled operations are failed back to their clients, who retry";
        }

        @Override
        public Impact impact() {
            return Impact.NONE;
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
        public String name() {
            return "cleanup_resources";
        }

        @Override
        public String rollback() {
            return "none: only data past its retention is purged";
        }

        @Override
        public Impact impact() {
            return Impact.NONE;
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
            this(node, from, "trigger_sync");
        }

        @Override
        public String rollback() {
            return "none needed: the node catches up through normal replication";
        }

        @Override
        public Impact impact() {
            return Impact.NONE;
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
        public String name() {
            return "move_aside_" + artifact.name().toLowerCase(java.util.Locale.ROOT);
        }

        @Override
        public String rollback() {
            return "move the file back from its timestamped name in the recovery directory";
        }

        @Override
        public Impact impact() {
            return Impact.NONE;
        }
    }

    /** Replaces a node's artifact with a consistent copy from {@code from}. */
    record Restore(NodeId node, Artifact artifact, NodeId from) implements Action {
        /** @throws NullPointerException if any argument is null */
        public Restore {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(artifact, "artifact");
            Objects.requireNonNull(from, "from");
        }

        @Override
        public String name() {
            return "restore_" + artifact.name().toLowerCase(java.util.Locale.ROOT);
        }

        @Override
        public String rollback() {
            return "stop the node and move the copy set aside before the restore back into place";
        }

        @Override
        public Impact impact() {
            return Impact.DESTRUCTIVE;
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
        public String name() {
            return "reset_" + artifact.name().toLowerCase(java.util.Locale.ROOT);
        }

        @Override
        public String rollback() {
            return "stop the node and move the copy set aside before the reset back into place";
        }

        @Override
        public Impact impact() {
            return Impact.DESTRUCTIVE;
        }
    }

    /** Changes a node's voting membership: demote to non-voter or promote back to voter. */
    record SetVoter(NodeId node, boolean voter) implements Action {
        /** @throws NullPointerException if {@code node} is null */
        public SetVoter {
            Objects.requireNonNull(node, "node");
        }

        @Override
        public String name() {
            return voter ? "promote_to_voter" : "demote_to_non_voter";
        }

        @Override
        public String rollback() {
            return voter ? "demote_to_non_voter" : "promote_to_voter";
        }

        @Override
        public Impact impact() {
            return voter ? Impact.NONE : Impact.DISRUPTIVE;
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
        public String name() {
            return "raise_term";
        }

        @Override
        public String rollback() {
            return "none: terms never go down, and a higher term is always Raft-safe";
        }

        @Override
        public Impact impact() {
            return Impact.NONE;
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
     * @param parameters JSON-friendly parameters
     */
    record Custom(NodeId node, String name, Impact impact, Map<String, Object> parameters) implements Action {
        /** @throws NullPointerException if any argument is null */
        public Custom {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(impact, "impact");
            parameters = Map.copyOf(parameters);
        }

        @Override
        public String rollback() {
            return "see the host documentation of action '" + name + "'";
        }
    }
}
