package org.distributedtesting.recovery.strategies;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.ClusterHistory;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.RecoveryContext;
import org.distributedtesting.recovery.RungResult;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.SettingsException;
import org.distributedtesting.recovery.core.LadderStrategy;

/**
 * Network partition: a node is cut off from the monitor or from its peers while its process runs. Crash and
 * partition are told apart by the supervisor and by the peers: a node whose process is dead is the crash
 * strategy's; an unreachable node whose process is alive, or that no supervisor watches, is a partition (so that
 * nothing restarts it). The detector reads four signals, merged into one failure per node:
 * <ul>
 *   <li>the monitor cannot reach the node, yet its process is alive or of unknown state;</li>
 *   <li>the monitor reaches the node, but a majority of the reachable peers that report on it cannot;</li>
 *   <li>the node follows (or is) another leader than the one a majority of voters follows, for
 *       {@code leader_disagreement_cycles} cycles in a row;</li>
 *   <li>enough voters answer to elect a leader, none leads for {@code election_window}, and at least
 *       {@code min_failed_elections} elections started meanwhile.</li>
 * </ul>
 * A node that claims leadership while another reachable node does too is left to {@link SplitBrainStrategy}.
 *
 * <p>Ladder, least invasive first; no rung ever changes membership, because most partitions heal and a node
 * demoted or removed while it is away would cost the cluster its fault tolerance for nothing:
 * <ol>
 *   <li>{@code wait_for_healing} (journal {@value #WAIT_ACTION}): does nothing and lets the engine verify over its
 *       {@code verify_timeout}, the grace period; a partition that heals meanwhile is verified recovered;</li>
 *   <li>{@code try_alternative_addresses} (journal {@code try_alternative_addresses}): asks the node control to
 *       reach the node at each of its configured
 *       {@link org.distributedtesting.recovery.NodeSpec#alternativeAddresses() alternative addresses} in turn, with
 *       the host action {@value #USE_ALTERNATIVE_ADDRESS}; skipped when none is configured;</li>
 *   <li>{@code fence_minority_leader} (journal {@code fence_minority_leader}): when an affected node still claims
 *       leadership while a majority follows another leader, asks it to step down; skipped otherwise;</li>
 *   <li>{@code alert} (journal {@code alert_network_partition}): nothing safe is left, so it is skipped with the
 *       reason and the engine escalates (alert and quarantine) instead of looping.</li>
 * </ol>
 *
 * <p>Settings ({@code strategies.network_partition} in the config file):
 * <ul>
 *   <li>{@code leader_disagreement_cycles} (default {@value #DEFAULT_LEADER_DISAGREEMENT_CYCLES});</li>
 *   <li>{@code election_window} in seconds (default 10, {@link #DEFAULT_ELECTION_WINDOW});</li>
 *   <li>{@code min_failed_elections} (default {@value #DEFAULT_MIN_FAILED_ELECTIONS}).</li>
 * </ul>
 *
 * <p>Thread-safe and stateless; subclass it and override a rung to change one step.
 */
public class NetworkPartitionStrategy extends LadderStrategy {

    /** The strategy's name in the registry and the config file. */
    public static final String NAME = "network_partition";

    /** The journal action of the first rung, the seed's name. */
    public static final String WAIT_ACTION = "network_partition_detected";

    /** The host action that switches the monitor's connection to a node to another of its addresses. */
    public static final String USE_ALTERNATIVE_ADDRESS = "use_alternative_address";

    /**
     * Cycles in a row a node must name another leader than the majority's: Kubernetes' default
     * {@code failureThreshold} of 3 probes. After a leader change followers learn the new leader with its first
     * heartbeat (etcd: 100 ms), so a disagreement that outlives three probes is not an election in progress.
     */
    public static final int DEFAULT_LEADER_DISAGREEMENT_CYCLES = 3;

    /**
     * How long no reachable node may lead while elections keep starting: ten of etcd's 1 s election timeouts. A
     * healthy cluster elects within one or two timeouts (randomized timeouts make split votes rare); ten in a row
     * without a leader is not bad luck.
     */
    public static final Duration DEFAULT_ELECTION_WINDOW = Duration.ofSeconds(10);

    /**
     * Elections that must start within the window, across the reachable nodes: 3, because one or two rounds are
     * a normal election with a split vote, and a third in the same leaderless stretch shows the voters cannot
     * agree.
     */
    public static final long DEFAULT_MIN_FAILED_ELECTIONS = 3;

    private final NetworkPartitionSettings tuning;
    private final NetworkPartitionDetector detector;

    /**
     * @param settings tuning from the config file
     * @throws SettingsException if a setting is unknown or not valid, naming its key
     */
    public NetworkPartitionStrategy(Settings settings) {
        super(NAME, FailureType.NETWORK_PARTITION, settings);
        this.tuning = NetworkPartitionSettings.from(settings);
        this.detector = new NetworkPartitionDetector(tuning);
        rung("wait_for_healing", WAIT_ACTION, this::waitForHealing);
        rung("try_alternative_addresses", "try_alternative_addresses", this::tryAlternativeAddresses);
        rung("fence_minority_leader", "fence_minority_leader", this::fenceMinorityLeader);
        rung("alert", "alert_network_partition", this::alert);
    }

    /** With the default settings. */
    public NetworkPartitionStrategy() {
        this(Settings.EMPTY);
    }

    @Override
    protected List<Failure> detect(ClusterSnapshot snapshot, ClusterHistory history) {
        return detector.detect(snapshot, history);
    }

    /**
     * Rung 0: wait for the partition to heal, doing nothing (and certainly no membership change). The engine
     * verifies over its {@code verify_timeout}, which is the grace period.
     *
     * @return always acted
     */
    protected RungResult waitForHealing(Failure failure, RecoveryContext context) {
        return RungResult.acted("waiting up to verify_timeout (" + context.options().verifyTimeout().toSeconds()
                + " s) for the partition of " + failure.nodes() + " to heal; no membership change meanwhile");
    }

    /**
     * Rung 1: reach each affected node at its alternative addresses, one after another, until the node control
     * manages one.
     *
     * @return skipped when no affected node has an alternative address; acted when every node that has some was
     *         switched to one; failed otherwise
     */
    protected RungResult tryAlternativeAddresses(Failure failure, RecoveryContext context) {
        List<String> done = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (NodeId node : failure.nodes()) {
            List<String> addresses = context.snapshot().spec(node).alternativeAddresses();
            if (addresses.isEmpty()) {
                continue;
            }
            Optional<String> used = Optional.empty();
            List<String> errors = new ArrayList<>();
            for (String address : addresses) {
                ActionResult result = context.perform(new Action.Custom(node, USE_ALTERNATIVE_ADDRESS,
                        Action.Impact.NONE, Map.of("address", address)),
                        "network partition: reach '" + node + "' at its alternative address " + address);
                if (result.succeeded()) {
                    used = Optional.of(address);
                    break;
                }
                errors.add(address + ": " + result.detail());
            }
            if (used.isPresent()) {
                done.add("'" + node + "' at " + used.get());
            } else {
                failed.add("'" + node + "' (" + String.join("; ", errors) + ")");
            }
        }
        if (done.isEmpty() && failed.isEmpty()) {
            return RungResult.skipped("no alternative addresses are configured for " + failure.nodes());
        }
        if (!failed.isEmpty()) {
            return RungResult.failed("no alternative address worked for " + String.join(", ", failed));
        }
        return RungResult.acted("now reaching " + String.join(", ", done));
    }

    /**
     * Rung 2: an affected node that still claims leadership while a majority of the voters follows another leader
     * is a stale leader on the minority side: ask it to step down so that it stops serving.
     *
     * @return skipped when no majority leader exists or no affected node claims leadership against it
     */
    protected RungResult fenceMinorityLeader(Failure failure, RecoveryContext context) {
        ClusterSnapshot snapshot = context.snapshot();
        Optional<NodeId> majority = Leadership.majorityLeader(snapshot);
        if (majority.isEmpty()) {
            return RungResult.skipped("no leader is followed by a majority of the voters; nothing to fence against");
        }
        List<NodeId> stale = failure.nodes().stream()
                .filter(n -> !n.equals(majority.get()))
                .filter(n -> snapshot.status(n).map(NodeStatus::isLeader).orElse(false))
                .toList();
        if (stale.isEmpty()) {
            return RungResult.skipped("no node of " + failure.nodes() + " claims leadership; a majority follows '"
                    + majority.get() + "'");
        }
        List<String> fenced = new ArrayList<>();
        for (NodeId node : stale) {
            ActionResult result = context.perform(new Action.StepDown(node, Optional.empty()),
                    "fence: '" + node + "' claims leadership on the minority side while a majority follows '"
                            + majority.get() + "'");
            if (!result.succeeded()) {
                return RungResult.failed("step down of '" + node + "' " + result.detail());
            }
            fenced.add(node.value());
        }
        return RungResult.acted("fenced " + fenced + "; a majority follows '" + majority.get() + "'");
    }

    /**
     * Rung 3: nothing safe is left (membership stays as it is while a node may come back), so the rung is skipped
     * with the reason and the engine escalates: alert and quarantine.
     *
     * @return always skipped
     */
    protected RungResult alert(Failure failure, RecoveryContext context) {
        return RungResult.skipped("the partition of " + failure.nodes() + " has not healed and nothing safe is left"
                + " to try (no membership change while a node may come back): an operator must restore the network");
    }

    /** Cycles in a row a node must name another leader than the majority's. */
    public int leaderDisagreementCycles() {
        return tuning.leaderDisagreementCycles();
    }

    /** How long no reachable node may lead while elections keep starting. */
    public Duration electionWindow() {
        return tuning.electionWindow();
    }

    /** Elections that must start within the window. */
    public long minFailedElections() {
        return tuning.minFailedElections();
    }
}
