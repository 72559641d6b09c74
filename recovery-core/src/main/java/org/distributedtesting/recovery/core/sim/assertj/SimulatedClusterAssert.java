package org.distributedtesting.recovery.core.sim.assertj;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.assertj.core.api.AbstractAssert;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.core.sim.ClientWrite;
import org.distributedtesting.recovery.core.sim.NodeView;
import org.distributedtesting.recovery.core.sim.SimulatedCluster;

/**
 * Assertions about the ground truth of a {@link SimulatedCluster}: leadership, agreement of the replicated state,
 * and acknowledged writes. Each reads the cluster as it is now and does not advance time; let the cluster settle
 * first (for example {@code cluster.advance(Duration.ofSeconds(1))}) when followers may still be catching up.
 * Obtain one with {@link SimAssertions#assertThat(SimulatedCluster)}.
 *
 * <p>Not thread-safe, as AssertJ assertions are not; the cluster itself may be used from any thread.
 */
@SuppressWarnings("exports") // AssertJ is an optional dependency; whoever uses this class has it
public final class SimulatedClusterAssert extends AbstractAssert<SimulatedClusterAssert, SimulatedCluster> {

    private static final int MAX_LISTED = 10;

    SimulatedClusterAssert(SimulatedCluster actual) {
        super(actual, SimulatedClusterAssert.class);
    }

    /**
     * Exactly one live node claims to lead (the message lists every claimant, highest term first), and a majority of the voters (counting it) are alive and follow it in
     * its term.
     */
    public SimulatedClusterAssert hasSingleLeader() {
        isNotNull();
        List<NodeView> views = actual.views();
        List<NodeView> leaders = views.stream().filter(NodeView::leading)
                .sorted(Comparator.comparingLong(NodeView::term).reversed()).toList();
        if (leaders.size() != 1) {
            failShowingNodes("Expecting exactly one live leader, but found " + (leaders.isEmpty() ? "none" : leaders.size() + ": "
                    + leaders.stream().map(v -> v.id() + " (term " + v.term() + ")").toList()), views);
        }
        NodeView leader = leaders.get(0);
        long voters = views.stream().filter(NodeView::voter).count();
        long majority = voters / 2 + 1;
        List<NodeId> following = views.stream().filter(v -> followsIn(v, leader)).map(NodeView::id).toList();
        if (following.size() < majority) {
            failShowingNodes("Expecting a majority (" + majority + " of " + voters + " voters) to follow leader " + leader.id()
                    + " in term " + leader.term() + ", but only " + following.size() + " do: " + following, views);
        }
        return this;
    }

    private static boolean followsIn(NodeView v, NodeView leader) {
        return v.alive() && v.voter() && v.term() == leader.term() && v.leader().equals(Optional.of(leader.id()));
    }

    /** {@code node} is the live leader of the highest term. */
    public SimulatedClusterAssert hasLeader(NodeId node) {
        isNotNull();
        Objects.requireNonNull(node, "node");
        Optional<NodeId> leader = actual.leader();
        if (leader.isEmpty() || !leader.get().equals(node)) {
            failShowingNodes("Expecting " + node + " to lead, but " + leader.map(l -> "the leader is " + l + " (term "
                    + actual.view(l).term() + "); live leaders: " + actual.leaders()).orElse("there is no live leader"),
                    actual.views());
        }
        return this;
    }

    /**
     * The process of {@code node} runs.
     *
     * @throws IllegalArgumentException if the node is not in the cluster
     */
    public SimulatedClusterAssert nodeIsUp(NodeId node) {
        isNotNull();
        NodeView view = actual.view(node);
        if (!view.alive()) {
            failShowingNodes("Expecting " + node + " to be up, but its process is down", actual.views());
        }
        return this;
    }

    /**
     * The process of {@code node} does not run.
     *
     * @throws IllegalArgumentException if the node is not in the cluster
     */
    public SimulatedClusterAssert nodeIsDown(NodeId node) {
        isNotNull();
        NodeView view = actual.view(node);
        if (view.alive()) {
            failShowingNodes("Expecting " + node + " to be down, but it is up as " + view.role() + " in term " + view.term(),
                    actual.views());
        }
        return this;
    }

    /**
     * The replicated state has not diverged: live nodes that applied the same index have the same state checksum,
     * and every live node has applied up to the same index with the same checksum as the leader (or, without a
     * live leader, as each other).
     */
    public SimulatedClusterAssert hasNoDivergence() {
        isNotNull();
        List<NodeView> views = actual.views();
        List<NodeView> live = views.stream().filter(NodeView::alive).toList();
        Map<Long, List<NodeView>> byIndex = live.stream()
                .collect(Collectors.groupingBy(NodeView::appliedIndex, TreeMap::new, Collectors.toList()));
        List<String> conflicts = new ArrayList<>();
        byIndex.forEach((index, group) -> {
            if (group.stream().map(v -> v.stateChecksum().value()).distinct().count() > 1) {
                conflicts.add("at index " + index + ": " + group.stream()
                        .map(v -> v.id() + " " + v.stateChecksum().value()).collect(Collectors.joining(", ")));
            }
        });
        if (!conflicts.isEmpty()) {
            failShowingNodes("Expecting live nodes that applied the same index to have the same state checksum, but they differ "
                    + String.join("; ", conflicts), views);
        }
        if (live.isEmpty()) {
            return this;
        }
        Optional<NodeId> leader = actual.leader();
        NodeView reference = leader.map(actual::view).orElse(live.get(0));
        List<String> behind = live.stream().filter(v -> !sameState(v, reference))
                .map(v -> v.id() + " is at index " + v.appliedIndex() + " checksum " + v.stateChecksum().value())
                .toList();
        if (!behind.isEmpty()) {
            failShowingNodes("Expecting every live node at " + (leader.isPresent() ? "the leader " : "")
                    + reference.id() + "'s applied index " + reference.appliedIndex() + " with checksum "
                    + reference.stateChecksum().value() + ", but " + String.join(", ", behind), views);
        }
        return this;
    }

    private static boolean sameState(NodeView a, NodeView b) {
        return a.appliedIndex() == b.appliedIndex() && a.stateChecksum().value().equals(b.stateChecksum().value());
    }

    /**
     * Every acknowledged write is in the rows of every live node that has applied its log index, with the value
     * written; and at least one live node has applied it. A live node that has not applied that far yet is still
     * catching up and is not counted.
     */
    public SimulatedClusterAssert lostNoAcknowledgedWrites() {
        isNotNull();
        List<NodeView> live = actual.views().stream().filter(NodeView::alive).toList();
        List<ClientWrite> acknowledged = actual.writes().stream().filter(ClientWrite::acknowledged).toList();
        List<Long> missingIds = new ArrayList<>();
        List<String> details = new ArrayList<>();
        for (ClientWrite write : acknowledged) {
            List<NodeView> applied = live.stream().filter(v -> v.appliedIndex() >= write.index()).toList();
            String problem;
            if (applied.isEmpty()) {
                problem = "no live node has applied index " + write.index() + " (highest applied: "
                        + live.stream().mapToLong(NodeView::appliedIndex).max().orElse(0) + ")";
            } else {
                List<String> without = applied.stream().filter(v -> !write.value().equals(v.rows().get(write.key())))
                        .map(v -> v.id() + " (applied " + v.appliedIndex() + ", has "
                                + Optional.ofNullable(v.rows().get(write.key())).orElse("nothing") + ")")
                        .toList();
                problem = without.isEmpty() ? null : "missing on " + String.join(", ", without);
            }
            if (problem != null) {
                missingIds.add(write.id());
                if (details.size() < MAX_LISTED) {
                    details.add(write.key() + "=" + write.value() + " (index " + write.index() + ", term "
                            + write.term() + "): " + problem);
                }
            }
        }
        if (!missingIds.isEmpty()) {
            failShowingNodes("Expecting no acknowledged write lost, but " + missingIds.size() + " of " + acknowledged.size()
                    + " are missing; write ids " + missingIds + "\n  " + String.join("\n  ", details)
                    + (missingIds.size() > MAX_LISTED ? "\n  ..." : ""), actual.views());
        }
        return this;
    }

    private void failShowingNodes(String message, List<NodeView> views) {
        StringBuilder text = new StringBuilder(message).append("\nnodes:");
        views.forEach(v -> text.append("\n  ").append(describe(v)));
        failWithMessage("%s", text);
    }

    private static String describe(NodeView v) {
        return v.id() + (v.alive() ? " " + v.role() + " term " + v.term() + " leader "
                + v.leader().map(Object::toString).orElse("-") + " applied " + v.appliedIndex() + " checksum "
                + v.stateChecksum().value() : " down (term " + v.term() + ", applied " + v.appliedIndex() + ")")
                + (v.voter() ? "" : " (not a voter)");
    }
}
