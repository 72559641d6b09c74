package org.distributedtesting.recovery;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a reachable node reports about itself in one probe: its Raft state, its state-machine checksum, its
 * resources, the operations in flight and the verdicts of its integrity checks.
 *
 * <p>Immutable and thread-safe. Build one with {@link #builder()}; fields a node does not report keep the
 * builder's neutral defaults ({@link Role#UNKNOWN}, {@code -1} for unknown term and indexes).
 *
 * @param role             the Raft role the node claims
 * @param term             the node's current term, {@code -1} if unknown
 * @param leader           the leader the node follows or is, if it knows one
 * @param commitIndex      highest log index known committed, {@code -1} if unknown
 * @param appliedIndex     highest log index applied to the state machine, {@code -1} if unknown
 * @param lastLogIndex     highest index in the node's log, {@code -1} if unknown
 * @param stateChecksum    checksum of the state machine with the index it was taken at, if reported
 * @param voter            whether the node is a voting member
 * @param resources        resource use
 * @param operations       operations in flight
 * @param queueDepth       requests waiting to be served, {@code -1} if unknown
 * @param database         the verdict of the node's database integrity check
 * @param log              the verdict of the node's log integrity check
 * @param peerReachability which peers the node can reach, by its own account
 * @param electionsStarted elections this node has started since it began, {@code -1} if unknown
 * @param electionsPaused  whether the node's election timer is paused (by a recovery action)
 */
public record NodeStatus(Role role, long term, Optional<NodeId> leader, long commitIndex, long appliedIndex,
                         long lastLogIndex, Optional<StateChecksum> stateChecksum, boolean voter,
                         Resources resources, List<Operation> operations, long queueDepth,
                         IntegrityCheck database, IntegrityCheck log, Map<NodeId, Boolean> peerReachability,
                         long electionsStarted, boolean electionsPaused) {

    /** @throws NullPointerException if any reference is null */
    public NodeStatus {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(leader, "leader");
        Objects.requireNonNull(stateChecksum, "stateChecksum");
        Objects.requireNonNull(resources, "resources");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(log, "log");
        operations = List.copyOf(operations);
        peerReachability = Map.copyOf(peerReachability);
    }

    /** A builder with neutral defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this status's values, to change a few of them. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.role = role;
        b.term = term;
        b.leader = leader.orElse(null);
        b.commitIndex = commitIndex;
        b.appliedIndex = appliedIndex;
        b.lastLogIndex = lastLogIndex;
        b.stateChecksum = stateChecksum.orElse(null);
        b.voter = voter;
        b.resources = resources;
        b.operations = operations;
        b.queueDepth = queueDepth;
        b.database = database;
        b.log = log;
        b.peerReachability = new TreeMap<>(peerReachability);
        b.electionsStarted = electionsStarted;
        b.electionsPaused = electionsPaused;
        return b;
    }

    /** Whether the node claims to lead. */
    public boolean isLeader() {
        return role == Role.LEADER;
    }

    /**
     * Builds a {@link NodeStatus}. Not thread-safe; {@link #build()} copies its state, so a builder can be reused.
     */
    public static final class Builder {
        private Role role = Role.UNKNOWN;
        private long term = -1;
        private NodeId leader;
        private long commitIndex = -1;
        private long appliedIndex = -1;
        private long lastLogIndex = -1;
        private StateChecksum stateChecksum;
        private boolean voter = true;
        private Resources resources = Resources.UNKNOWN;
        private List<Operation> operations = List.of();
        private long queueDepth = -1;
        private IntegrityCheck database = IntegrityCheck.UNKNOWN;
        private IntegrityCheck log = IntegrityCheck.UNKNOWN;
        private Map<NodeId, Boolean> peerReachability = new TreeMap<>();
        private long electionsStarted = -1;
        private boolean electionsPaused;

        private Builder() {
        }

        /** Sets the role. */
        public Builder role(Role role) {
            this.role = Objects.requireNonNull(role, "role");
            return this;
        }

        /** Sets the term. */
        public Builder term(long term) {
            this.term = term;
            return this;
        }

        /** Sets the leader the node knows, or null for none. */
        public Builder leader(NodeId leader) {
            this.leader = leader;
            return this;
        }

        /** Sets the commit index. */
        public Builder commitIndex(long commitIndex) {
            this.commitIndex = commitIndex;
            return this;
        }

        /** Sets the applied index. */
        public Builder appliedIndex(long appliedIndex) {
            this.appliedIndex = appliedIndex;
            return this;
        }

        /** Sets the last log index. */
        public Builder lastLogIndex(long lastLogIndex) {
            this.lastLogIndex = lastLogIndex;
            return this;
        }

        /** Sets the state checksum, or null for none. */
        public Builder stateChecksum(StateChecksum stateChecksum) {
            this.stateChecksum = stateChecksum;
            return this;
        }

        /** Sets whether the node votes. */
        public Builder voter(boolean voter) {
            this.voter = voter;
            return this;
        }

        /** Sets resource use. */
        public Builder resources(Resources resources) {
            this.resources = Objects.requireNonNull(resources, "resources");
            return this;
        }

        /** Sets the operations in flight. */
        public Builder operations(List<Operation> operations) {
            this.operations = List.copyOf(operations);
            return this;
        }

        /** Sets the request queue depth. */
        public Builder queueDepth(long queueDepth) {
            this.queueDepth = queueDepth;
            return this;
        }

        /** Sets the database integrity verdict. */
        public Builder database(IntegrityCheck database) {
            this.database = Objects.requireNonNull(database, "database");
            return this;
        }

        /** Sets the log integrity verdict. */
        public Builder log(IntegrityCheck log) {
            this.log = Objects.requireNonNull(log, "log");
            return this;
        }

        /** Sets which peers the node reaches. */
        public Builder peerReachability(Map<NodeId, Boolean> peerReachability) {
            this.peerReachability = new TreeMap<>(peerReachability);
            return this;
        }

        /** Sets the number of elections the node has started. */
        public Builder electionsStarted(long electionsStarted) {
            this.electionsStarted = electionsStarted;
            return this;
        }

        /** Sets whether the node's elections are paused. */
        public Builder electionsPaused(boolean electionsPaused) {
            this.electionsPaused = electionsPaused;
            return this;
        }

        /** A status with the values set so far. */
        public NodeStatus build() {
            return new NodeStatus(role, term, Optional.ofNullable(leader), commitIndex, appliedIndex, lastLogIndex,
                    Optional.ofNullable(stateChecksum), voter, resources, operations, queueDepth, database, log,
                    peerReachability, electionsStarted, electionsPaused);
        }
    }
}
