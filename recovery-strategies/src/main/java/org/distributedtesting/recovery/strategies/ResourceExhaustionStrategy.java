package org.distributedtesting.recovery.strategies;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ClusterHistory;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.RecoveryContext;
import org.distributedtesting.recovery.RungResult;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.SettingsException;
import org.distributedtesting.recovery.core.LadderStrategy;
import org.distributedtesting.recovery.strategies.ResourceExhaustionDetector.Resource;

/**
 * Resource exhaustion: disk, memory, file handles or CPU of a node running out. Per resource, three signals:
 * <ul>
 *   <li>{@code above_threshold}: the ratio to its limit at or above the resource's threshold for
 *       {@code sustain_cycles} cycles in a row;</li>
 *   <li>{@code trend}: the least-squares slope over the last {@code trend_window_cycles} cycles predicts the limit
 *       within {@code horizon_seconds}, while the ratio is already at or above {@code trend_floor} (so that the
 *       growth of a nearly empty disk is not mistaken for a threat);</li>
 *   <li>{@code leak}: memory or file handles, above the floor, grew in every cycle of that window.</li>
 * </ul>
 * CPU has only the threshold signal: load swings with work and does not pile up. One failure per node lists every
 * resource that fired, most urgent first; its evidence names the resource, the ratio, the slope per second and the
 * predicted seconds to exhaustion.
 *
 * <p>Ladder, least invasive first (rung records journaled as {@code recover_resource_exhaustion}):
 * <ol>
 *   <li>{@code cleanup}: compaction and purge of old snapshots and backups ({@code cleanup_resources}). It frees
 *       disk only, so it is skipped when the disk is not among the exhausted resources.</li>
 *   <li>{@code enforce_memory_limit}: the host action {@code enforce_memory_limit} (caps caches and buffers);
 *       only for memory, skipped otherwise.</li>
 *   <li>{@code degrade}: the host action {@code reject_new_work}: the node refuses new client work so what it has
 *       can drain.</li>
 *   <li>{@code restart}: the last resort ({@code restart_resource_exhausted_node}); a leak is only ever fixed by
 *       a restart.</li>
 * </ol>
 * A host whose node control does not implement the two host actions sees those rungs fail; each failure counts one
 * attempt and the ladder climbs, so a leak still reaches the restart within the default budget of five attempts.
 * Verified when the node answers and none of the signals fires any more.
 *
 * <p>Settings ({@code strategies.resource_exhaustion} in the config file), with the reason for each default:
 * {@code disk_threshold}, {@code memory_threshold}, {@code file_threshold} ({@value #DEFAULT_THRESHOLD}, see
 * {@link #DEFAULT_THRESHOLD}), {@code cpu_threshold} ({@value #DEFAULT_CPU_THRESHOLD}), {@code sustain_cycles}
 * ({@value #DEFAULT_SUSTAIN_CYCLES}), {@code trend_window_cycles} ({@value #DEFAULT_TREND_WINDOW_CYCLES}),
 * {@code horizon_seconds} (300, see {@link #DEFAULT_HORIZON}) and {@code trend_floor}
 * ({@value #DEFAULT_TREND_FLOOR}).
 *
 * <p>Thread-safe and stateless; subclass it and override one rung to change it.
 */
public class ResourceExhaustionStrategy extends LadderStrategy {

    /** The strategy's name in the registry and the config file. */
    public static final String NAME = "resource_exhaustion";

    /** The journal action of every rung record. */
    public static final String RUNG_ACTION = "recover_resource_exhaustion";

    /** The host action that caps a node's memory use. */
    public static final String ENFORCE_MEMORY_LIMIT = "enforce_memory_limit";

    /** The host action that makes a node refuse new client work. */
    public static final String REJECT_NEW_WORK = "reject_new_work";

    /**
     * 0.90 for disk, memory and file handles: the kubelet's default hard eviction threshold
     * ({@code nodefs.available<10%}) keeps 10% free, and a Raft node needs that headroom to write its next
     * snapshot before it can compact its log.
     */
    public static final double DEFAULT_THRESHOLD = 0.90;

    /**
     * 0.95 for CPU: a busy node is normal; only a saturated one delays its heartbeats (etcd sends one every
     * 100 ms) enough to trigger elections.
     */
    public static final double DEFAULT_CPU_THRESHOLD = 0.95;

    /** 3 cycles: Kubernetes' default {@code failureThreshold} of 3 failed probes before acting. */
    public static final int DEFAULT_SUSTAIN_CYCLES = 3;

    /**
     * 10 cycles: enough points for a least-squares line that one noisy sample cannot tip, and short enough to
     * follow a fill that started a minute ago.
     */
    public static final int DEFAULT_TREND_WINDOW_CYCLES = 10;

    /**
     * 300 s: five minutes, about the time a person on call needs to notice an alert and act; a resource predicted
     * to run out sooner than that is handled automatically.
     */
    public static final Duration DEFAULT_HORIZON = Duration.ofSeconds(300);

    /**
     * 0.5: trends and leaks count only on a resource that is already half used; below that, growth is the normal
     * life of a node (its log and database grow with every write) and has plenty of room.
     */
    public static final double DEFAULT_TREND_FLOOR = 0.5;

    private final ResourceExhaustionSettings tuning;
    private final ResourceExhaustionDetector detector;

    /**
     * @param settings tuning from the config file
     * @throws SettingsException if a setting is unknown or not valid, naming its key
     */
    public ResourceExhaustionStrategy(Settings settings) {
        super(NAME, FailureType.RESOURCE_EXHAUSTION, settings);
        this.tuning = ResourceExhaustionSettings.from(settings);
        this.detector = new ResourceExhaustionDetector(tuning);
        rung("cleanup", RUNG_ACTION, this::cleanup);
        rung("enforce_memory_limit", RUNG_ACTION, this::enforceMemoryLimit);
        rung("degrade", RUNG_ACTION, this::degrade);
        rung("restart", RUNG_ACTION, this::restart);
    }

    /** With the default settings. */
    public ResourceExhaustionStrategy() {
        this(Settings.EMPTY);
    }

    @Override
    protected List<Failure> detect(ClusterSnapshot snapshot, ClusterHistory history) {
        return detector.detect(snapshot, history);
    }

    /** A resource above its threshold in fewer than {@code sustain_cycles} answers in a row. */
    @Override
    protected List<Failure> forming(ClusterSnapshot snapshot, ClusterHistory history) {
        return detector.forming(snapshot, history);
    }

    private static List<?> resources(Failure failure) {
        return failure.evidence().get("resources") instanceof List<?> list ? list : List.of();
    }

    /** Rung 0: compacts and purges old snapshots and backups; skipped unless the disk is running out. */
    protected RungResult cleanup(Failure failure, RecoveryContext context) {
        if (!resources(failure).contains(Resource.DISK.key())) {
            return RungResult.skipped("cleanup frees disk only, and the node is short of " + resources(failure));
        }
        return NodeActions.performOnEach(failure, context, Action.CleanupResources::new, "disk running out");
    }

    /** Rung 1: asks the host to cap the node's memory use; skipped unless memory is running out. */
    protected RungResult enforceMemoryLimit(Failure failure, RecoveryContext context) {
        if (!resources(failure).contains(Resource.MEMORY.key())) {
            return RungResult.skipped("memory is not among the exhausted resources " + resources(failure));
        }
        double limit = tuning.threshold(Resource.MEMORY);
        return NodeActions.performOnEach(failure, context, node -> new Action.Custom(node, ENFORCE_MEMORY_LIMIT,
                Action.Impact.NONE, Map.of("max_memory_ratio", limit)), "memory running out");
    }

    /** Rung 2: asks the host to make the node refuse new client work until it recovers. */
    protected RungResult degrade(Failure failure, RecoveryContext context) {
        List<?> resources = resources(failure);
        return NodeActions.performOnEach(failure, context, node -> new Action.Custom(node, REJECT_NEW_WORK,
                Action.Impact.NONE, Map.of("resources", resources)), "graceful degradation: short of " + resources);
    }

    /** Rung 3: restarts the node, journaled as {@code restart_resource_exhausted_node}. */
    protected RungResult restart(Failure failure, RecoveryContext context) {
        return NodeActions.performOnEach(failure, context,
                node -> new Action.Restart(node, "restart_resource_exhausted_node"),
                "last resort: restart frees leaked memory and handles; short of " + resources(failure));
    }

    /** Resolved when every affected node answers and no resource signal fires on it any more. */
    @Override
    public boolean isResolved(Failure failure, ClusterSnapshot now, ClusterHistory history) {
        return failure.nodes().stream().allMatch(n -> now.observation(n).reachable())
                && super.isResolved(failure, now, history);
    }

    /**
     * The threshold of a resource.
     *
     * @param resource {@code disk}, {@code memory}, {@code file_handles} or {@code cpu}
     * @throws IllegalArgumentException for another name
     */
    public double threshold(String resource) {
        for (Resource r : Resource.values()) {
            if (r.key().equals(resource)) {
                return tuning.threshold(r);
            }
        }
        throw new IllegalArgumentException("unknown resource '" + resource + "'; known: disk, memory, file_handles,"
                + " cpu");
    }

    /** How long ahead a trend must predict exhaustion to count. */
    public Duration horizon() {
        return tuning.horizon();
    }
}
