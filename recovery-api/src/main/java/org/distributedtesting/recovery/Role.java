package org.distributedtesting.recovery;

/** The Raft role a node reports for itself. */
public enum Role {
    /** Leads the current term. */
    LEADER,
    /** Follows a leader (a voter). */
    FOLLOWER,
    /** Campaigning for leadership. */
    CANDIDATE,
    /** Receives the log but does not vote (a non-voting member, a learner). */
    LEARNER,
    /** The node answered but did not say. */
    UNKNOWN
}
