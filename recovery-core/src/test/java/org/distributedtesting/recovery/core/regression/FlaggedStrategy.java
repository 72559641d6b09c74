package org.distributedtesting.recovery.core.regression;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.distributedtesting.recovery.ClusterHistory;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.RungResult;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.Severity;
import org.distributedtesting.recovery.core.LadderStrategy;

/**
 * A strategy for engine regression tests: reports a failure of its type on each node the test flags, and runs
 * rungs with fixed results. Unless told otherwise its verification never passes, as a strict {@code isResolved}
 * (a follower that must stay caught up for a while) may not within the verify timeout.
 */
final class FlaggedStrategy extends LadderStrategy {

    private final Set<NodeId> flagged = new LinkedHashSet<>();
    private final List<String> ran = new ArrayList<>();
    private final boolean verifies;

    /**
     * @param type     the failure type it reports
     * @param verifies whether a rung that acted is verified once the failure is no longer reported
     * @param rungs    rung names and their results, least invasive first
     */
    @SafeVarargs
    FlaggedStrategy(FailureType type, boolean verifies, Map.Entry<String, RungResult>... rungs) {
        super(type.name(), type, Settings.EMPTY);
        this.verifies = verifies;
        for (Map.Entry<String, RungResult> rung : rungs) {
            rung(rung.getKey(), (failure, context) -> {
                ran.add(rung.getKey());
                return rung.getValue();
            });
        }
    }

    void flag(NodeId node) {
        flagged.add(node);
    }

    void unflag(NodeId node) {
        flagged.remove(node);
    }

    /** The rungs run so far, in order. */
    List<String> ran() {
        return List.copyOf(ran);
    }

    @Override
    protected List<Failure> detect(ClusterSnapshot snapshot, ClusterHistory history) {
        return flagged.stream().map(node -> Failure.of(type(), List.of(node), Severity.MEDIUM,
                "'" + node + "' flagged by the test", Map.of("flagged", true))).toList();
    }

    @Override
    public boolean isResolved(Failure failure, ClusterSnapshot now, ClusterHistory history) {
        return verifies && detect(now, history).stream().noneMatch(f -> f.key().equals(failure.key()));
    }
}
