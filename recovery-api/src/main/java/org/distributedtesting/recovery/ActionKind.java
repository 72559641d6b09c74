package org.distributedtesting.recovery;

/**
 * What an {@link Action} is: one constant per kind of request, carrying its journal name, its {@link Action.Impact}
 * and how to undo it by hand. An action whose name or impact depends on its fields (the artifact moved aside, a
 * {@link Action.Custom} action's own name) says so in its record.
 */
public enum ActionKind {
    /** {@link Action.Start}. */
    START("start_node", Action.Impact.RESTORING, "stop_node, if the node must stay down"),
    /** {@link Action.Stop}. */
    STOP("stop_node", Action.Impact.DISRUPTIVE, "start_node"),
    /** {@link Action.Restart}. */
    RESTART("restart_node", Action.Impact.DISRUPTIVE, "none needed: the process runs again; stop_node to take it out"),
    /** {@link Action.StepDown}. */
    STEP_DOWN("step_down_leader", Action.Impact.NONE,
            "none needed: the cluster elects a leader; transfer leadership back if wanted"),
    /** {@link Action.SetElectionsPaused} with {@code paused = true}. */
    PAUSE_ELECTIONS("pause_elections", Action.Impact.NONE, "resume_elections"),
    /** {@link Action.SetElectionsPaused} with {@code paused = false}. */
    RESUME_ELECTIONS("resume_elections", Action.Impact.NONE, "pause_elections"),
    /** {@link Action.CancelOperations}. */
    CANCEL_OPERATIONS("cancel_deadlocked_operations", Action.Impact.NONE,
            "none: cancelled operations are failed back to their clients, who retry"),
    /** {@link Action.CleanupResources}. */
    CLEANUP_RESOURCES("cleanup_resources", Action.Impact.NONE, "none: only data past its retention is purged"),
    /** {@link Action.TriggerSync}. */
    TRIGGER_SYNC("trigger_sync", Action.Impact.NONE, "none needed: the node catches up through normal replication"),
    /** {@link Action.MoveAside}; its journal name ends with the artifact, such as {@code move_aside_database}. */
    MOVE_ASIDE("move_aside", Action.Impact.NONE, "move the file back from its timestamped name in the recovery directory"),
    /** {@link Action.Restore}; its journal name ends with the artifact, such as {@code restore_database}. */
    RESTORE("restore", Action.Impact.DESTRUCTIVE,
            "stop the node and move the copy set aside before the restore back into place"),
    /** {@link Action.Reset}; its journal name ends with the artifact, such as {@code reset_log}. */
    RESET("reset", Action.Impact.DESTRUCTIVE, "stop the node and move the copy set aside before the reset back into place"),
    /** {@link Action.SetVoter} with {@code voter = false}. */
    DEMOTE("demote_to_non_voter", Action.Impact.DISRUPTIVE, "promote_to_voter"),
    /** {@link Action.SetVoter} with {@code voter = true}. */
    PROMOTE("promote_to_voter", Action.Impact.NONE, "demote_to_non_voter"),
    /** {@link Action.RaiseTerm}. */
    RAISE_TERM("raise_term", Action.Impact.NONE, "none: terms never go down, and a higher term is always Raft-safe"),
    /** {@link Action.CheckData}. */
    CHECK_DATA("check_data", Action.Impact.NONE, "none: the data is only read"),
    /** {@link Action.Custom}: its name and impact are the action's own. */
    CUSTOM("custom", Action.Impact.NONE, "see the host documentation of the action");

    private final String journalName;
    private final Action.Impact impact;
    private final String rollback;

    ActionKind(String journalName, Action.Impact impact, String rollback) {
        this.journalName = journalName;
        this.impact = impact;
        this.rollback = rollback;
    }

    /** The journal name of an action of this kind (the prefix, for the kinds that name an artifact). */
    public String journalName() {
        return journalName;
    }

    /** What an action of this kind does to availability and data. */
    public Action.Impact impact() {
        return impact;
    }

    /** How to undo an action of this kind by hand. */
    public String rollback() {
        return rollback;
    }

    /** Whether it acts on the node's process (a supervisor's work): start, stop, restart. */
    public boolean onProcess() {
        return this == START || this == STOP || this == RESTART;
    }

    /**
     * Whether it acts on the node's persistent data, which a node's own repair tool does while the node is stopped:
     * move aside, restore, reset, and the integrity check of data whose node does not run.
     */
    public boolean onData() {
        return this == MOVE_ASIDE || this == RESTORE || this == RESET || this == CHECK_DATA;
    }
}
