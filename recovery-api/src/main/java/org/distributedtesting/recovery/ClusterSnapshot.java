package org.distributedtesting.recovery;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Every node's observation taken in one cycle, at one instant. Detectors read snapshots and nothing else.
 *
 * <p>Immutable and thread-safe. Nodes keep the order of the configuration. The derived views (reachable nodes,
 * leaders, voters, the term range) are computed once, so a detector may ask for them per node without turning a
 * pass over thousands of nodes quadratic.
 */
public final class ClusterSnapshot {

    private final long cycle;
    private final Instant takenAt;
    private final List<NodeSpec> nodes;
    private final Map<NodeId, NodeObservation> observations;
    private final Map<NodeId, NodeSpec> specs;
    private final List<NodeId> reachable;
    private final List<NodeId> unreachable;
    private final List<NodeId> leaders;
    private final List<NodeId> voters;
    private final long highestTerm;
    private final long lowestTerm;

    /**
     * @param cycle        the engine's cycle number, from 1
     * @param takenAt      when the cycle started probing
     * @param nodes        the nodes the cluster is configured with
     * @param observations one observation per configured node
     * @throws NullPointerException if any argument is null
     * @throws IllegalArgumentException if a configured node has no observation, or an observation has no node
     */
    public ClusterSnapshot(long cycle, Instant takenAt, List<NodeSpec> nodes,
                           Map<NodeId, NodeObservation> observations) {
        this.cycle = cycle;
        this.takenAt = Objects.requireNonNull(takenAt, "takenAt");
        this.nodes = List.copyOf(nodes);
        Map<NodeId, NodeObservation> ordered = new LinkedHashMap<>();
        Map<NodeId, NodeSpec> byId = new LinkedHashMap<>();
        List<NodeId> up = new ArrayList<>();
        List<NodeId> down = new ArrayList<>();
        List<NodeId> leading = new ArrayList<>();
        List<NodeId> voting = new ArrayList<>();
        long highest = -1;
        long lowest = Long.MAX_VALUE;
        for (NodeSpec spec : this.nodes) {
            NodeObservation o = observations.get(spec.id());
            if (o == null) {
                throw new IllegalArgumentException("no observation for node '" + spec.id() + "'");
            }
            ordered.put(spec.id(), o);
            byId.put(spec.id(), spec);
            Optional<NodeStatus> status = o.reported();
            (o.reachable() ? up : down).add(spec.id());
            if (status.map(NodeStatus::isLeader).orElse(false)) {
                leading.add(spec.id());
            }
            // an unreachable node counts as a voter: for quorum arithmetic assuming less would be unsafe
            if (status.map(NodeStatus::voter).orElse(true)) {
                voting.add(spec.id());
            }
            if (status.isPresent() && status.get().voter() && status.get().term() >= 0) {
                highest = Math.max(highest, status.get().term());
                lowest = Math.min(lowest, status.get().term());
            }
        }
        if (ordered.size() != observations.size()) {
            throw new IllegalArgumentException("observations name nodes that are not configured: "
                    + observations.keySet());
        }
        this.observations = Collections.unmodifiableMap(ordered);
        this.specs = Collections.unmodifiableMap(byId);
        this.reachable = List.copyOf(up);
        this.unreachable = List.copyOf(down);
        this.leaders = List.copyOf(leading);
        this.voters = List.copyOf(voting);
        this.highestTerm = highest;
        this.lowestTerm = highest < 0 ? -1 : lowest;
    }

    /** The engine's cycle number, from 1. */
    public long cycle() {
        return cycle;
    }

    /** When the cycle started probing. */
    public Instant takenAt() {
        return takenAt;
    }

    /** The nodes the cluster is configured with, in configuration order. */
    public List<NodeSpec> nodes() {
        return nodes;
    }

    /** One observation per configured node, in configuration order. */
    public Map<NodeId, NodeObservation> observations() {
        return observations;
    }

    /** The observation of one node. @throws IllegalArgumentException if the node is not configured */
    public NodeObservation observation(NodeId node) {
        NodeObservation o = observations.get(node);
        if (o == null) {
            throw new IllegalArgumentException("node '" + node + "' is not in this cluster");
        }
        return o;
    }

    /** Whether the node is configured. */
    public boolean contains(NodeId node) {
        return observations.containsKey(node);
    }

    /** The status a node reported, if it answered. @throws IllegalArgumentException if not configured */
    public Optional<NodeStatus> status(NodeId node) {
        return observation(node).reported();
    }

    /** The configuration of one node. @throws IllegalArgumentException if the node is not configured */
    public NodeSpec spec(NodeId node) {
        NodeSpec spec = specs.get(node);
        if (spec == null) {
            throw new IllegalArgumentException("node '" + node + "' is not in this cluster");
        }
        return spec;
    }

    /** Nodes that answered, in configuration order. */
    public List<NodeId> reachable() {
        return reachable;
    }

    /** Nodes that did not answer, in configuration order. */
    public List<NodeId> unreachable() {
        return unreachable;
    }

    /** Reachable nodes that claim to lead, in configuration order. */
    public List<NodeId> leaders() {
        return leaders;
    }

    /**
     * Voting members: every node except those that answered and said they do not vote. An unreachable node
     * counts as a voter, because for quorum arithmetic assuming less would be unsafe.
     */
    public List<NodeId> voters() {
        return voters;
    }

    /** Votes needed for a majority of the voters. */
    public int quorum() {
        return voters.size() / 2 + 1;
    }

    /** How many voters the cluster can lose and keep a majority. */
    public int faultTolerance() {
        return (voters.size() - 1) / 2;
    }

    /** The highest term a reachable voter reports, or -1 when none reports one. */
    public long highestTerm() {
        return highestTerm;
    }

    /** The lowest term a reachable voter reports, or -1 when none reports one. */
    public long lowestTerm() {
        return lowestTerm;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClusterSnapshot other && cycle == other.cycle && takenAt.equals(other.takenAt)
                && nodes.equals(other.nodes) && observations.equals(other.observations);
    }

    @Override
    public int hashCode() {
        return Objects.hash(cycle, takenAt, nodes, observations);
    }

    @Override
    public String toString() {
        return "ClusterSnapshot[cycle=" + cycle + ", takenAt=" + takenAt + ", reachable=" + reachable
                + ", unreachable=" + unreachable + ", leaders=" + leaders + "]";
    }
}
