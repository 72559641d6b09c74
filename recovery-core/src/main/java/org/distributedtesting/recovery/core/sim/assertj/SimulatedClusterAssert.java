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
import org.distributedtesting.recovery.core.sim.InvariantChecker;
import org.distributedtesting.recovery.core.sim.NodeView;
import org.distributedtesting.recovery.core.sim.SimulatedCluster;

/**
 * Assertions about the ground truth of a {@link SimulatedCluster}: leadership, agreement of the replicated state,
 * acknowledged writes and the invariants its {@link InvariantChecker} watches. Each reads the cluster as it is now and does not advance time; let the cluster settle
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
     * No acknowledged write was lost: the {@value InvariantChecker#ACKNOWLEDGED_WRITE_LOST} invariant of the
     * cluster's {@link InvariantChecker}, checked now ({@link InvariantChecker#checkAcknowledgedWrites()}) and
     * over the whole run so far. Its definition is the checker's: every acknowledged write is in the state of every
     * live node whose database is intact and that has applied the write's index, and in the current leader's state
     * or log (with no leader, some node holds it). A live node that has not applied that far yet is still catching
     * up and is not counted. {@link #hasNoInvariantViolations()} checks this and every other invariant.
     */
    public SimulatedClusterAssert lostNoAcknowledgedWrites() {
        isNotNull();
        actual.invariants().checkAcknowledgedWrites();
        List<InvariantChecker.Violation> lost = actual.invariants().violations().stream()
                .filter(v -> v.invariant().equals(InvariantChecker.ACKNOWLEDGED_WRITE_LOST)).toList();
        if (!lost.isEmpty()) {
            long acknowledged = actual.writes().stream().filter(ClientWrite::acknowledged).count();
            failShowingNodes("Expecting no acknowledged write lost, but " + lost.size() + " losses were seen ("
                    + acknowledged + " writes acknowledged):\n  " + lost.stream().limit(MAX_LISTED)
                    .map(Object::toString).collect(Collectors.joining("\n  "))
                    + (lost.size() > MAX_LISTED ? "\n  ..." : ""), actual.views());
        }
        return this;
    }

    /**
     * The cluster's {@link InvariantChecker} saw no violation since the cluster was built: one leader per term,
     * no committed entry lost or changed, one state per applied index, no acknowledged write lost (checked now,
     * so there is no need to call {@link InvariantChecker#checkAcknowledgedWrites()} first), and the engine's
     * safety rules. Exemptions the test declared ({@code exemptTerm}, {@code exemptNode}) hold. The message is the
     * checker's {@link InvariantChecker#report() report}: counts per invariant and each violation with its virtual
     * time.
     */
    public SimulatedClusterAssert hasNoInvariantViolations() {
        isNotNull();
        actual.invariants().checkAcknowledgedWrites();
        if (!actual.invariants().clean()) {
            failShowingNodes("Expecting no invariant violation, but the checker saw some; "
                    + actual.invariants().report(), actual.views());
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
