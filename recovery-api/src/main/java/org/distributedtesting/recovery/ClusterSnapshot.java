package org.distributedtesting.recovery;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Every node's observation taken in one cycle, at one instant. Detectors read snapshots and nothing else.
 *
 * <p>Immutable and thread-safe. Nodes keep the order of the configuration.
 *
 * @param cycle        the engine's cycle number, from 1
 * @param takenAt      when the cycle started probing
 * @param nodes        the nodes the cluster is configured with
 * @param observations one observation per configured node
 */
public record ClusterSnapshot(long cycle, Instant takenAt, List<NodeSpec> nodes,
                              Map<NodeId, NodeObservation> observations) {

    /**
     * @throws NullPointerException if any argument is null
     * @throws IllegalArgumentException if a configured node has no observation, or an observation has no node
     */
    public ClusterSnapshot {
        Objects.requireNonNull(takenAt, "takenAt");
        nodes = List.copyOf(nodes);
        Map<NodeId, NodeObservation> ordered = new LinkedHashMap<>();
        for (NodeSpec spec : nodes) {
            NodeObservation o = observations.get(spec.id());
            if (o == null) {
                throw new IllegalArgumentException("no observation for node '" + spec.id() + "'");
            }
            ordered.put(spec.id(), o);
        }
        if (ordered.size() != observations.size()) {
            throw new IllegalArgumentException("observations name nodes that are not configured: "
                    + observations.keySet());
        }
        observations = Collections.unmodifiableMap(ordered);
    }

    /** The observation of one node. @throws IllegalArgumentException if the node is not configured */
    public NodeObservation observation(NodeId node) {
        NodeObservation o = observations.get(node);
        if (o == null) {
            throw new IllegalArgumentException("node '" + node + "' is not in this cluster");
        }
        return o;
    }

    /** The status a node reported, if it answered. */
    public Optional<NodeStatus> status(NodeId node) {
        return observation(node).reported();
    }

    /** The configuration of one node. @throws IllegalArgumentException if the node is not configured */
    public NodeSpec spec(NodeId node) {
        return nodes.stream().filter(n -> n.id().equals(node)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("node '" + node + "' is not in this cluster"));
    }

    /** Nodes that answered, in configuration order. */
    public List<NodeId> reachable() {
        return observations.values().stream().filter(NodeObservation::reachable).map(NodeObservation::node).toList();
    }

    /** Nodes that did not answer, in configuration order. */
    public List<NodeId> unreachable() {
        return observations.values().stream().filter(o -> !o.reachable()).map(NodeObservation::node).toList();
    }

    /** Reachable nodes that claim to lead, in configuration order. */
    public List<NodeId> leaders() {
        return observations.values().stream()
                .filter(o -> o.reported().map(NodeStatus::isLeader).orElse(false))
                .map(NodeObservation::node).toList();
    }

    /**
     * Voting members: every node except those that answered and said they do not vote. An unreachable node
     * counts as a voter, because for quorum arithmetic assuming less would be unsafe.
     */
    public List<NodeId> voters() {
        return observations.values().stream()
                .filter(o -> o.reported().map(NodeStatus::voter).orElse(true))
                .map(NodeObservation::node).toList();
    }

    /** Votes needed for a majority of the voters. */
    public int quorum() {
        return voters().size() / 2 + 1;
    }

    /** How many voters the cluster can lose and keep a majority. */
    public int faultTolerance() {
        return (voters().size() - 1) / 2;
    }
}
