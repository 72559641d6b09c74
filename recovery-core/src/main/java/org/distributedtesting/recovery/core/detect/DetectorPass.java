package org.distributedtesting.recovery.core.detect;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import org.distributedtesting.recovery.ClusterHistory;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.RecoveryStrategy;
import org.distributedtesting.recovery.core.detect.Damping.Detected;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The detect stage's first half: every strategy's detector over one snapshot and the history. A detector that
 * throws is treated as finding nothing; a failure of another strategy's type, or naming a node outside the cluster,
 * is ignored with a warning.
 *
 * <p>Thread-safe if the strategies' detectors are (they must be pure).
 */
public final class DetectorPass {

    private static final Logger LOG = LoggerFactory.getLogger(DetectorPass.class);

    private final List<RecoveryStrategy> strategies;
    private final Predicate<NodeId> inCluster;

    /**
     * @param strategies the strategies, in precedence order
     * @param inCluster  whether a node is in the cluster
     */
    public DetectorPass(List<RecoveryStrategy> strategies, Predicate<NodeId> inCluster) {
        this.strategies = List.copyOf(strategies);
        this.inCluster = Objects.requireNonNull(inCluster, "inCluster");
    }

    /**
     * The failures the strategies' detectors see forming but do not report yet ({@link
     * org.distributedtesting.recovery.FailureDetector#forming}); a detector that throws is treated as seeing none.
     */
    public List<Failure> forming(ClusterSnapshot snapshot, ClusterHistory past) {
        List<Failure> forming = new ArrayList<>();
        for (RecoveryStrategy strategy : strategies) {
            try {
                for (Failure f : strategy.detector().forming(snapshot, past)) {
                    if (f.type().equals(strategy.type()) && f.nodes().stream().allMatch(inCluster)) {
                        forming.add(f);
                    }
                }
            } catch (RuntimeException e) {
                LOG.warn("detector of strategy '{}' failed to say what is forming in cycle {}; treated as nothing",
                        strategy.name(), snapshot.cycle(), e);
            }
        }
        return forming;
    }

    /** The failures every strategy's detector finds, each with the strategy that found it. */
    public List<Detected> detect(ClusterSnapshot snapshot, ClusterHistory past) {
        List<Detected> detected = new ArrayList<>();
        for (RecoveryStrategy strategy : strategies) {
            try {
                for (Failure f : strategy.detector().detect(snapshot, past)) {
                    if (!f.type().equals(strategy.type())) {
                        LOG.warn("detector of '{}' reported a {} failure; only {} is its own, ignored",
                                strategy.name(), f.type(), strategy.type());
                        continue;
                    }
                    if (f.nodes().stream().anyMatch(n -> !inCluster.test(n))) {
                        LOG.warn("detector of '{}' named a node outside the cluster in {}; ignored",
                                strategy.name(), f.key());
                        continue;
                    }
                    detected.add(new Detected(f, strategy));
                }
            } catch (RuntimeException e) {
                LOG.warn("detector of strategy '{}' failed in cycle {}; treated as finding nothing",
                        strategy.name(), snapshot.cycle(), e);
            }
        }
        return detected;
    }
}
