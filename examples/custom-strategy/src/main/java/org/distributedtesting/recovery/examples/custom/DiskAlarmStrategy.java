package org.distributedtesting.recovery.examples.custom;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.ClusterHistory;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.FailureDetector;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeObservation;
import org.distributedtesting.recovery.RecoveryContext;
import org.distributedtesting.recovery.RecoveryStrategy;
import org.distributedtesting.recovery.Resources;
import org.distributedtesting.recovery.RungResult;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.Severity;

/**
 * A strategy written from scratch, without {@code LadderStrategy}: it reports every node whose data volume is
 * fuller than a threshold as a host-defined {@link #DISK_ALARM} failure, and its one rung asks the node to clean
 * up ({@link Action.CleanupResources}: compact, purge old snapshots and backups). Resolved when the node reports a
 * disk ratio at or below the threshold again (the default {@link RecoveryStrategy#isResolved}).
 *
 * <p>It is not contributed through {@link java.util.ServiceLoader}; a host registers it by code:
 *
 * <pre>{@code
 * StrategyRegistry registry = StrategyRegistry.discover(config::settingsFor);
 * registry.register(DiskAlarmStrategy.fromSettings(config.settingsFor(DiskAlarmStrategy.NAME)));
 * RecoveryEngine engine = RecoveryEngine.builder().strategies(registry.all())...build();
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class DiskAlarmStrategy implements RecoveryStrategy {

    /** The strategy's name in the registry and the config file. */
    public static final String NAME = "disk_alarm";

    /**
     * The host-defined failure type: precedence 95 puts it after the standard resource exhaustion (90), so a node
     * that is exhausted in every way is handled by that strategy first, and before slow followers (100).
     */
    public static final FailureType DISK_ALARM = FailureType.custom(NAME, 95);

    /** The setting that holds the threshold, as a fraction of the disk limit. */
    public static final String THRESHOLD_SETTING = "disk_ratio_threshold";

    /** 0.9: the kubelet's default hard eviction signal {@code nodefs.available < 10%}. */
    public static final double DEFAULT_THRESHOLD = 0.9;

    /** The name of the one rung. */
    public static final String CLEANUP = "cleanup";

    private final double threshold;
    private final FailureDetector detector = this::detect;

    /**
     * @param threshold the disk ratio (used / limit) above which a node is reported, in (0, 1]
     * @throws IllegalArgumentException if {@code threshold} is outside (0, 1]
     */
    public DiskAlarmStrategy(double threshold) {
        if (!(threshold > 0 && threshold <= 1)) {
            throw new IllegalArgumentException("threshold must be in (0, 1], but was " + threshold);
        }
        this.threshold = threshold;
    }

    /** With {@link #DEFAULT_THRESHOLD}. */
    public DiskAlarmStrategy() {
        this(DEFAULT_THRESHOLD);
    }

    /**
     * Reads {@value #THRESHOLD_SETTING} from the strategy's settings, {@link #DEFAULT_THRESHOLD} when absent.
     *
     * @throws IllegalArgumentException if the setting is not a number in (0, 1]
     */
    public static DiskAlarmStrategy fromSettings(Settings settings) {
        double value = settings.getDouble(THRESHOLD_SETTING, DEFAULT_THRESHOLD);
        if (!(value > 0 && value <= 1)) {
            throw new IllegalArgumentException("strategies." + NAME + "." + THRESHOLD_SETTING
                    + " must be in (0, 1], but was " + value);
        }
        return new DiskAlarmStrategy(value);
    }

    /** The disk ratio above which a node is reported. */
    public double threshold() {
        return threshold;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public FailureType type() {
        return DISK_ALARM;
    }

    @Override
    public FailureDetector detector() {
        return detector;
    }

    @Override
    public List<String> rungs() {
        return List.of(CLEANUP);
    }

    /** @throws IndexOutOfBoundsException if {@code rung} is not 0 */
    @Override
    public RungResult attempt(int rung, Failure failure, RecoveryContext context) {
        Objects.checkIndex(rung, 1);
        List<String> done = new ArrayList<>();
        for (NodeId node : failure.nodes()) {
            ActionResult result = context.perform(new Action.CleanupResources(node), failure.summary());
            if (!result.succeeded()) {
                return RungResult.failed("cleanup of '" + node + "' " + result.detail());
            }
            done.add(result.detail());
        }
        return RungResult.acted(String.join("; ", done));
    }

    // pure: reads the snapshot only, as a detector must
    private List<Failure> detect(ClusterSnapshot snapshot, ClusterHistory history) {
        List<Failure> failures = new ArrayList<>();
        for (NodeObservation observation : snapshot.observations().values()) {
            if (observation.reported().isEmpty()) {
                continue; // an unreachable node is another strategy's business
            }
            Resources resources = observation.reported().get().resources();
            double ratio = resources.diskRatio();
            if (ratio > threshold) {
                Map<String, Object> evidence = new LinkedHashMap<>();
                evidence.put("disk_used", resources.diskUsed());
                evidence.put("disk_limit", resources.diskLimit());
                evidence.put("disk_ratio", ratio);
                evidence.put("threshold", threshold);
                failures.add(Failure.of(DISK_ALARM, List.of(observation.node()), Severity.MEDIUM,
                        "'" + observation.node() + "' disk is " + percent(ratio) + " full, above "
                                + percent(threshold), evidence));
            }
        }
        return failures;
    }

    private static String percent(double ratio) {
        return Math.round(ratio * 100) + "%";
    }

    @Override
    public String toString() {
        return "DiskAlarmStrategy[" + NAME + ", threshold=" + threshold + "]";
    }
}
