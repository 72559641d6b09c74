package org.distributedtesting.recovery.strategies;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.distributedtesting.recovery.ClusterHistory;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeStatus;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What {@link TermReadings} computes once per pass, so that the term-divergence detector stays linear in the
 * nodes, equals what it stands for when computed from scratch, over random clusters and histories.
 */
class TermReadingsTest {

    private static final int GROWTH_WINDOW = 10;
    private static final int STABILIZATION = 5;

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void majorityTermIsTheHighestTermAQuorumOfVotersHoldOrExceed(long seed) {
        // Given random clusters: voters and non-voters, some unreachable, some without a term
        Random random = new Random(seed);
        for (int round = 0; round < 200; round++) {
            ClusterSnapshot snapshot = randomSnapshot(random, 1 + random.nextInt(9), 1, random.nextInt(4));

            // When / Then
            List<Long> terms = snapshot.reachable().stream().map(n -> snapshot.status(n).orElseThrow())
                    .filter(s -> s.voter() && s.term() >= 0).map(NodeStatus::term)
                    .sorted(Comparator.reverseOrder()).toList();
            long expected = terms.size() < snapshot.quorum() ? -1 : terms.get(snapshot.quorum() - 1);
            assertThat(TermReadings.majorityTerm(snapshot)).as("majority term of %s", terms).isEqualTo(expected);
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void termsSteadyOnlyWhenNoNodeHasAnOwnRise(long seed) {
        // Given random histories in which a term changes only now and then
        Random random = new Random(seed);
        int steady = 0;
        int unsteady = 0;
        for (int round = 0; round < 100; round++) {
            Timeline t = randomTimeline(random, 2 + random.nextInt(6), 1 + random.nextInt(15), 0.08);

            // When
            boolean termsSteady = TermReadings.termsSteady(t.now(), t.history(), GROWTH_WINDOW);

            // Then: steady exactly when every voter term in the window is one term, and then no node rose on its own
            for (NodeId node : t.now().observations().keySet()) {
                List<Long> rises = TermReadings.ownRises(node, t.now(), t.history(), GROWTH_WINDOW);
                if (termsSteady) {
                    assertThat(rises).as("own rises of '%s' in a steady window", node).allMatch(r -> r == 0);
                }
            }
            assertThat(termsSteady).as("steady").isEqualTo(oneTermInWindow(t, GROWTH_WINDOW));
            steady += termsSteady ? 1 : 0;
            unsteady += termsSteady ? 0 : 1;
        }
        assertThat(steady).as("steady windows generated").isPositive();
        assertThat(unsteady).as("unsteady windows generated").isPositive();
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void laggedForWithTheMajorityTermsOfThePassEqualsTheDefinition(long seed) {
        // Given random histories with terms that spread
        Random random = new Random(seed);
        int lagged = 0;
        for (int round = 0; round < 100; round++) {
            Timeline t = randomTimeline(random, 3 + random.nextInt(5), 1 + random.nextInt(14), 0.4);
            long maxSpread = random.nextInt(3);

            // When
            long[] targets = TermReadings.majorityTerms(t.now(), t.history(), STABILIZATION);

            // Then
            for (NodeId node : t.now().observations().keySet()) {
                boolean expected = laggedByDefinition(node, t, STABILIZATION, maxSpread);
                assertThat(TermReadings.laggedFor(node, t.now(), t.history(), targets, maxSpread))
                        .as("'%s' lagged", node).isEqualTo(expected);
                lagged += expected ? 1 : 0;
            }
        }
        assertThat(lagged).as("lagging nodes generated").isPositive();
    }

    /** Lagging by the majority's term of each snapshot, recomputed in each. */
    private static boolean laggedByDefinition(NodeId node, Timeline t, int cycles, long maxSpread) {
        for (int ago = 0; ago <= cycles; ago++) {
            ClusterSnapshot snapshot = ago == 0 ? t.now() : t.history().ago(ago).orElse(null);
            if (snapshot == null) {
                return false;
            }
            NodeStatus status = snapshot.status(node).orElse(null);
            long target = TermReadings.majorityTerm(snapshot);
            if (status == null || !status.voter() || status.term() < 0 || target < 0
                    || target - status.term() <= maxSpread) {
                return false;
            }
        }
        return true;
    }

    /** Whether every voter term reported in the last {@code window} cycles up to now is the same term. */
    private static boolean oneTermInWindow(Timeline t, int window) {
        List<ClusterSnapshot> snapshots = new ArrayList<>(t.history().latest(window));
        snapshots.add(t.now());
        Long seen = null;
        for (ClusterSnapshot s : snapshots) {
            for (NodeId other : s.observations().keySet()) {
                NodeStatus status = TermReadings.voterTerm(s, other).orElse(null);
                if (status == null) {
                    continue;
                }
                if (seen != null && seen != status.term()) {
                    return false;
                }
                seen = status.term();
            }
        }
        return true;
    }

    private record Timeline(ClusterHistory history, ClusterSnapshot now) {
    }

    /**
     * {@code cycles} snapshots of {@code n} nodes whose terms each rise with probability {@code change} per cycle,
     * except for one node in three, stuck in its term (so that some fall behind and stay there); one node in eight
     * does not vote, and one answer in twenty is missing.
     */
    private static Timeline randomTimeline(Random random, int n, int cycles, double change) {
        long[] terms = new long[n];
        Arrays.fill(terms, 3);
        double[] rates = new double[n];
        boolean[] voters = new boolean[n];
        for (int i = 0; i < n; i++) {
            rates[i] = random.nextInt(3) == 0 ? 0 : change;
            voters[i] = random.nextInt(8) != 0;
        }
        List<ClusterSnapshot> snapshots = new ArrayList<>();
        for (int c = 1; c <= cycles; c++) {
            NodeStatus[] statuses = new NodeStatus[n];
            for (int i = 0; i < n; i++) {
                if (random.nextDouble() < rates[i]) {
                    terms[i] += 1 + random.nextInt(3);
                }
                statuses[i] = random.nextDouble() < 0.05 ? null
                        : Snapshots.node(i + 1, n, terms[i]).electionsStarted(terms[i] + random.nextInt(2))
                                .voter(voters[i]).build();
            }
            snapshots.add(Snapshots.snapshot(c, statuses));
        }
        return new Timeline(new ClusterHistory(snapshots.subList(0, cycles - 1)), snapshots.get(cycles - 1));
    }

    private static ClusterSnapshot randomSnapshot(Random random, int n, long cycle, int termRange) {
        NodeStatus[] statuses = new NodeStatus[n];
        for (int i = 0; i < n; i++) {
            statuses[i] = random.nextDouble() < 0.2 ? null
                    : Snapshots.node(i + 1, n, random.nextDouble() < 0.1 ? -1 : 5 + random.nextInt(termRange + 1))
                            .voter(random.nextDouble() < 0.8).build();
        }
        return Snapshots.snapshot(cycle, statuses);
    }
}
