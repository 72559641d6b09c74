package org.distributedtesting.recovery.core.sim.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.ClusterHistory;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.JournalRecord;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeObservation;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.ProcessStatus;
import org.distributedtesting.recovery.RecoveryEvent;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.RecoveryStrategy;
import org.distributedtesting.recovery.core.CycleReport;
import org.distributedtesting.recovery.core.journal.JournalRecords;
import org.distributedtesting.recovery.core.sim.InjectedFault;
import org.distributedtesting.recovery.core.sim.NodeView;
import org.distributedtesting.recovery.core.sim.harness.SimReport;
import org.distributedtesting.recovery.core.sim.SimulatedCluster;
import org.distributedtesting.recovery.core.sim.harness.SimulatedRecovery;
import org.junit.jupiter.api.Test;

/**
 * The contract every strategy, built-in or custom, must meet, run against the simulated cluster (like Micrometer's
 * TCK): a valid identity, a pure and tolerant detector, silence on a healthy cluster, detection of its fault within
 * a stated number of cycles, recovery with every invariant holding, a dry run that changes nothing, and escalation
 * instead of a loop when recovery keeps failing. It also checks that the strategy does no harm:
 * <ul>
 *   <li>it takes no node out of service (stop, restart, demote, replace its data) that its failure does not name,
 *       nor any node declared in {@link #alsoDisrupts} (the invariant checker's
 *       {@value org.distributedtesting.recovery.core.sim.InvariantChecker#AVAILABILITY} invariant too);</li>
 *   <li>it does nothing at all on a healthy cluster;</li>
 *   <li>its recovery leaves no node down that was up before the fault;</li>
 *   <li>a failure it cannot repair (the node refuses every action) ends escalated, and is never verified while it is
 *       still there (verified, then detected again).</li>
 * </ul>
 * Extend it and implement {@link #strategy()}:
 *
 * <pre>{@code
 * class MyStrategyContractTest extends RecoveryStrategyContract {
 *     @Override
 *     protected RecoveryStrategy strategy() {
 *         return new MyStrategy(Settings.EMPTY);
 *     }
 * }
 * }</pre>
 *
 * <p>Override the protected hooks to say how to produce the strategy's failure ({@link #inject}), which node to hit
 * ({@link #target}), which other strategies run beside it ({@link #companions}) and how fast it must detect
 * ({@link #maxCyclesToDetect}). Each test builds its own cluster; not thread-safe.
 */
@SuppressWarnings("exports")
public abstract class RecoveryStrategyContract {

    private static final Pattern SNAKE = Pattern.compile("[a-z][a-z0-9_]*");

    /** A fresh instance of the strategy under test. */
    protected abstract RecoveryStrategy strategy();

    /** Other strategies to run beside it (for example the crash strategy under a partition test); none by default. */
    protected List<RecoveryStrategy> companions() {
        return List.of();
    }

    /** Cluster size for the simulated tests (default 5). */
    protected int nodes() {
        return 5;
    }

    /** Seeds to run the detection and recovery tests with (default 1, 2, 3). */
    protected long[] seeds() {
        return new long[] {1, 2, 3};
    }

    /** Engine cycles (one virtual second each) within which the fault must be confirmed (default 10). */
    protected int maxCyclesToDetect() {
        return 10;
    }

    /** How long a recovery may take, in virtual time (default 5 minutes). */
    protected Duration maxTimeToRecover() {
        return Duration.ofMinutes(5);
    }

    /** The node to hit: the leader for split brain, else the first follower. */
    protected NodeId target(SimulatedCluster cluster) {
        NodeId leader = cluster.leader().orElseThrow();
        if (strategy().type().equals(FailureType.SPLIT_BRAIN)) {
            return leader;
        }
        return cluster.nodeIds().stream().filter(n -> !n.equals(leader)).findFirst().orElseThrow();
    }

    /**
     * Produces the strategy's failure on {@code target}; by default the simulator's typical fault of its type. A
     * state divergence is a node applying wrong results on purpose, so the invariant checker is told to expect it
     * from that node until the recovery is verified.
     */
    protected InjectedFault inject(SimulatedCluster cluster, NodeId target) {
        if (strategy().type().equals(FailureType.STATE_DIVERGENCE)) {
            cluster.invariants().exemptNode(target, "wrong results injected on purpose until recovered");
        }
        return cluster.faults().inject(strategy().type(), target);
    }

    /**
     * When the injected fault heals by itself, for a fault no action can end (a partition heals when the network
     * does); by default it never heals, and the strategy must end it.
     */
    protected Optional<Duration> healAfter() {
        return Optional.empty();
    }

    /**
     * Nodes besides its failure's own that the strategy takes out of service on purpose (a rolling restart, a
     * ladder that restarts a peer), given the cluster and the {@link #target}; none by default. Declared nodes are
     * allowed by the contract's checks and by the invariant checker
     * ({@link org.distributedtesting.recovery.core.sim.InvariantChecker#allowDisruption}).
     */
    protected Set<NodeId> alsoDisrupts(SimulatedCluster cluster, NodeId target) {
        return Set.of();
    }

    /** Engine options for the tests; defaults. */
    protected RecoveryOptions options() {
        return RecoveryOptions.defaults();
    }

    private List<RecoveryStrategy> all() {
        List<RecoveryStrategy> list = new ArrayList<>(companions());
        list.add(0, strategy());
        return list;
    }

    private SimulatedCluster cluster(long seed) {
        SimulatedCluster cluster = SimulatedCluster.builder().nodes(nodes()).seed(seed).build();
        cluster.awaitLeader(Duration.ofSeconds(30)).orElseThrow();
        writeFor(cluster, Duration.ofSeconds(5));
        return cluster;
    }

    private static void writeFor(SimulatedCluster cluster, Duration duration) {
        for (long t = 0; t < duration.toMillis(); t += 200) {
            cluster.write("c" + cluster.clock().millis());
            cluster.advance(Duration.ofMillis(200));
        }
    }

    private static CycleReport cycleWithWrites(SimulatedCluster cluster, SimulatedRecovery recovery) {
        writeFor(cluster, Duration.ofSeconds(1));
        return recovery.runCycle();
    }

    @Test
    void hasAValidIdentity() {
        RecoveryStrategy s = strategy();
        assertThat(s.name()).as("name").matches(SNAKE);
        assertThat(s.type()).as("type").isNotNull();
        assertThat(s.detector()).as("detector").isNotNull();
        assertThat(s.rungs()).as("rungs").isNotEmpty().doesNotHaveDuplicates().allMatch(r -> SNAKE.matcher(r).matches());
        for (int i = 0; i < s.rungs().size(); i++) {
            assertThat(s.rungAction(i)).as("journal action of rung %d", i).matches(SNAKE);
        }
    }

    @Test
    void theDetectorIsPureAndToleratesEveryNodeDown() {
        RecoveryStrategy s = strategy();
        SimulatedCluster cluster = cluster(seeds()[0]);
        try (SimulatedRecovery recovery = SimulatedRecovery.of(cluster, all(), options())) {
            ClusterSnapshot snapshot = recovery.runCycle().snapshot();
            ClusterHistory history = recovery.engine().history();
            assertThat(s.detector().detect(snapshot, history)).isEqualTo(s.detector().detect(snapshot, history));
        }
        Map<NodeId, NodeObservation> down = new LinkedHashMap<>();
        for (NodeSpec spec : cluster.nodeSpecs()) {
            down.put(spec.id(), new NodeObservation.Unreachable(spec.id(), cluster.clock().instant(), "refused",
                    ProcessStatus.unknown()));
        }
        ClusterSnapshot allDown = new ClusterSnapshot(1, cluster.clock().instant(), cluster.nodeSpecs(), down);
        List<Failure> failures = s.detector().detect(allDown, ClusterHistory.EMPTY);
        assertThat(failures).allSatisfy(f -> assertThat(f.type()).isEqualTo(s.type()));
    }

    @Test
    void reportsNothingOnAHealthyCluster() {
        for (long seed : seeds()) {
            SimulatedCluster cluster = cluster(seed);
            try (SimulatedRecovery recovery = SimulatedRecovery.of(cluster, List.of(strategy()), options())) {
                for (int i = 0; i < 120; i++) {
                    CycleReport report = cycleWithWrites(cluster, recovery);
                    assertThat(report.detected()).as("'%s' reported a failure on a healthy cluster (seed %d, cycle "
                            + "%d)\n%s", strategy().name(), seed, i, SimReport.of(cluster, 50)).isEmpty();
                }
                assertNoActions(recovery, "on a healthy cluster, seed " + seed);
            }
        }
    }

    @Test
    void detectsAndRecoversItsFaultWithEveryInvariantHolding() {
        for (long seed : seeds()) {
            SimulatedCluster cluster = cluster(seed);
            try (SimulatedRecovery recovery = SimulatedRecovery.of(cluster, all(), options())) {
                NodeId target = target(cluster);
                Set<NodeId> declared = declare(cluster, target);
                Set<NodeId> upBefore = upNodes(cluster);
                InjectedFault fault = inject(cluster, target);
                long healAt = healAfter().map(h -> cluster.clock().millis() + h.toMillis()).orElse(Long.MAX_VALUE);
                int cycles = 0;
                while (recovery.events(RecoveryEvent.FailureConfirmed.class).stream()
                        .noneMatch(e -> e.failure().type().equals(strategy().type()))) {
                    if (cycles++ >= maxCyclesToDetect()) {
                        fail(notInTime(fault, "detected", maxCyclesToDetect() + " engine cycles", seed)
                                + "\n" + SimReport.of(cluster, 80));
                    }
                    cycleWithWrites(cluster, recovery);
                }
                long end = cluster.clock().millis() + maxTimeToRecover().toMillis();
                while (recovery.events(RecoveryEvent.RecoveryVerified.class).stream()
                        .noneMatch(e -> e.failure().type().equals(strategy().type()))) {
                    if (cluster.clock().millis() >= end) {
                        fail(notInTime(fault, "recovered", VirtualTime.duration(maxTimeToRecover())
                                + " of virtual time", seed) + "\n" + SimReport.of(cluster, List.of(recovery), 80));
                    }
                    if (cluster.clock().millis() >= healAt) {
                        fault.heal();
                        healAt = Long.MAX_VALUE;
                    }
                    cycleWithWrites(cluster, recovery);
                }
                if (strategy().type().equals(FailureType.STATE_DIVERGENCE)) {
                    cluster.invariants().clearExemption(target);
                }
                cluster.advance(Duration.ofSeconds(5));
                assertActedOnlyOnItsFailuresNodes(recovery, declared, "seed " + seed);
                assertLeftNoMoreNodesDown(cluster, upBefore, "seed " + seed);
                cluster.invariants().checkAcknowledgedWrites();
                assertThat(cluster.invariants().violations()).as("invariants, seed %d: %s", seed,
                        cluster.invariants().report()).isEmpty();
            }
        }
    }

    @Test
    void aDryRunChangesNothing() {
        SimulatedCluster cluster = cluster(seeds()[0]);
        RecoveryOptions dry = options().toBuilder().dryRun(true).build();
        try (SimulatedRecovery recovery = SimulatedRecovery.of(cluster, all(), dry)) {
            inject(cluster, target(cluster));
            for (int i = 0; i < 30; i++) {
                cycleWithWrites(cluster, recovery);
            }
            assertThat(recovery.events(RecoveryEvent.ActionTaken.class))
                    .allSatisfy(e -> assertThat(e.result().done()).as(e.action().name()).isFalse());
            assertThat(recovery.journal().records()).filteredOn(r -> r.details().containsKey("outcome"))
                    .allSatisfy(r -> assertThat(r.details().get("outcome")).isNotEqualTo("done"));
        }
    }

    @Test
    void escalatesInsteadOfLoopingWhenRecoveryKeepsFailing() {
        SimulatedCluster cluster = cluster(seeds()[0]);
        RecoveryOptions options = options().toBuilder().quarantineRetryAfter(Duration.ZERO).build();
        try (SimulatedRecovery recovery = SimulatedRecovery.of(cluster, all(), options)) {
            NodeId target = target(cluster);
            declare(cluster, target);
            cluster.faults().refuseActions(target);
            inject(cluster, target);
            for (int i = 0; i < 900 && recovery.events(RecoveryEvent.Escalated.class).isEmpty(); i++) {
                cycleWithWrites(cluster, recovery);
            }
            assertNeverVerifiedWhileStillFailing(recovery, target);
            assertThat(recovery.events(RecoveryEvent.Escalated.class)).as("escalated\n%s",
                    SimReport.of(cluster, List.of(recovery), 80)).isNotEmpty();
            int actions = actionRecords(recovery);
            for (int i = 0; i < 120; i++) {
                cycleWithWrites(cluster, recovery);
            }
            assertThat(actionRecords(recovery)).as("actions after escalation").isEqualTo(actions);
            assertThat(new HashSet<>(recovery.events(RecoveryEvent.RungAttempted.class).stream()
                    .map(RecoveryEvent.RungAttempted::rung).toList())).isNotEmpty();
        }
    }

    private Set<NodeId> declare(SimulatedCluster cluster, NodeId target) {
        Set<NodeId> declared = Set.copyOf(alsoDisrupts(cluster, target));
        declared.forEach(n -> cluster.invariants().allowDisruption(n, "declared by the contract's alsoDisrupts()"));
        return declared;
    }

    private static Set<NodeId> upNodes(SimulatedCluster cluster) {
        Set<NodeId> up = new TreeSet<>();
        cluster.views().stream().filter(NodeView::alive).forEach(v -> up.add(v.id()));
        return up;
    }

    /** The actions the node control carried out (done or failed there); not those refused by a guard or planned. */
    private static List<RecoveryEvent.ActionTaken> carriedOut(SimulatedRecovery recovery) {
        return recovery.events(RecoveryEvent.ActionTaken.class).stream()
                .filter(e -> !e.dryRun() && (e.result() instanceof ActionResult.Done
                        || e.result() instanceof ActionResult.Failed))
                .toList();
    }

    private static String describe(RecoveryEvent.ActionTaken e) {
        return e.action().name() + " on '" + e.action().node() + "' (rung '" + e.rung() + "' for "
                + e.failure().key() + ", " + e.result().outcome().journalName() + ")";
    }

    private void assertNoActions(SimulatedRecovery recovery, String when) {
        List<String> actions = carriedOut(recovery).stream().map(RecoveryStrategyContract::describe).toList();
        if (!actions.isEmpty()) {
            throw new AssertionError("'" + strategy().name() + "' acted " + when + ", where there is nothing to "
                    + "recover: " + actions);
        }
    }

    /**
     * Every action that took a node out of service (stop, restart, demote, replace its data) was on a node its
     * failure names, or one declared in {@link #alsoDisrupts}.
     */
    private void assertActedOnlyOnItsFailuresNodes(SimulatedRecovery recovery, Set<NodeId> declared, String when) {
        List<String> harmful = new ArrayList<>();
        for (RecoveryEvent.ActionTaken e : carriedOut(recovery)) {
            NodeId node = e.action().node();
            if (disrupts(e.action()) && !e.failure().nodes().contains(node) && !declared.contains(node)) {
                harmful.add(describe(e) + ": the failure names only " + e.failure().nodes());
            }
        }
        if (!harmful.isEmpty()) {
            throw new AssertionError("'" + strategy().name() + "' took a node out of service that has no failure ("
                    + when + "): " + String.join("; ", harmful) + ". A recovery may stop, restart, demote or replace "
                    + "the data of its failure's nodes only; declare any other node it must disrupt in alsoDisrupts()");
        }
    }

    private static boolean disrupts(Action action) {
        return action.impact() == Action.Impact.DISRUPTIVE || action.impact() == Action.Impact.DESTRUCTIVE;
    }

    /** Every node that was up before the fault was injected is up after the recovery. */
    private void assertLeftNoMoreNodesDown(SimulatedCluster cluster, Set<NodeId> upBefore, String when) {
        Set<NodeId> downNow = new TreeSet<>(upBefore);
        downNow.removeAll(upNodes(cluster));
        if (!downNow.isEmpty()) {
            throw new AssertionError("'" + strategy().name() + "' left more nodes down than before the fault ("
                    + when + "): " + downNow + (downNow.size() == 1 ? " was" : " were") + " up before the fault "
                    + "was injected and " + (downNow.size() == 1 ? "is" : "are") + " down after its recovery was "
                    + "verified");
        }
    }

    /**
     * While the target refuses every action nothing repairs it, so a recovery of its failure that was verified and
     * then confirmed again was verified falsely: the strategy's {@code isResolved} said it was gone while it was not.
     */
    private void assertNeverVerifiedWhileStillFailing(SimulatedRecovery recovery, NodeId target) {
        Set<String> verified = new HashSet<>();
        List<String> falsely = new ArrayList<>();
        for (RecoveryEvent event : recovery.events()) {
            if (event instanceof RecoveryEvent.RecoveryVerified v && v.failure().nodes().contains(target)) {
                verified.add(v.failure().key());
            } else if (event instanceof RecoveryEvent.FailureConfirmed c && verified.remove(c.failure().key())) {
                falsely.add(c.failure().key());
            }
        }
        if (!falsely.isEmpty()) {
            throw new AssertionError("'" + strategy().name() + "' had its recovery verified although '" + target
                    + "' refused every action, so nothing repaired it: " + new TreeSet<>(falsely) + " was journaled "
                    + "recovery_verified and then detected again, " + falsely.size() + (falsely.size() == 1 ? " time"
                    : " times") + "; isResolved must say whether the failure is gone, not whether a rung ran, so "
                    + "that a failure that cannot be repaired ends escalated");
        }
    }

    /** What did not happen by when: "the process_crash on [node-2] was not recovered within 5 min of ...". */
    private static String notInTime(InjectedFault fault, String what, String limit, long seed) {
        return "the " + fault.type() + " on " + fault.nodes() + " (" + fault.description() + ") was not " + what
                + " within " + limit + " (injected at " + VirtualTime.at(fault.injectedAt()) + " virtual), seed "
                + seed;
    }

    /** Journal records of actions (they name a node and a rung), refused ones included. */
    private static int actionRecords(SimulatedRecovery recovery) {
        return (int) recovery.journal().records().stream().map(JournalRecord::details)
                .filter(d -> d.containsKey(JournalRecords.NODE_ID) && d.containsKey("rung")).count();
    }
}
