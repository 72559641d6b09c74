package org.distributedtesting.recovery.core.sim;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.distributedtesting.recovery.IntegrityCheck;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.Role;
import org.distributedtesting.recovery.StateChecksum;

/**
 * The ground truth about one simulated node at one instant, for tests and the invariant checker (the engine sees
 * nodes only through probes).
 *
 * <p>Immutable and thread-safe.
 *
 * @param id            the node
 * @param alive         whether its process runs
 * @param role          its Raft role
 * @param term          its current term
 * @param leader        the leader it knows
 * @param voter         whether it votes
 * @param commitIndex   its commit index
 * @param appliedIndex  its applied index
 * @param lastLogIndex  its last log index
 * @param stateChecksum its state-machine checksum at its applied index
 * @param database      its database's integrity
 * @param log           its log's integrity
 * @param rows          its state machine's rows, in key order (the same order in every JVM)
 */
public record NodeView(NodeId id, boolean alive, Role role, long term, Optional<NodeId> leader, boolean voter,
                       long commitIndex, long appliedIndex, long lastLogIndex, StateChecksum stateChecksum,
                       IntegrityCheck database, IntegrityCheck log, Map<String, String> rows) {

    /** Copies the rows into key order: a hash order would differ between JVMs and break byte-identical reports. */
    public NodeView {
        rows = Collections.unmodifiableSortedMap(new TreeMap<>(rows));
    }

    /** Whether it is alive and claims to lead. */
    public boolean leading() {
        return alive && role == Role.LEADER;
    }
}
