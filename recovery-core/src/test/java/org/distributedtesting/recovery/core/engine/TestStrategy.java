package org.distributedtesting.recovery.core.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.distributedtesting.recovery.ClusterHistory;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.NodeObservation;
import org.distributedtesting.recovery.RecoveryContext;
import org.distributedtesting.recovery.RungResult;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.Severity;
import org.distributedtesting.recovery.core.LadderStrategy;

/**
 * A strategy for engine tests: reports every unreachable node as a failure of its type, and runs rungs the test
 * supplies.
 */
public class TestStrategy extends LadderStrategy {

    private final boolean immediate;

    public TestStrategy(String name, FailureType type, boolean immediate,
                 List<Map.Entry<String, BiFunction<Failure, RecoveryContext, RungResult>>> rungs) {
        super(name, type, Settings.EMPTY);
        this.immediate = immediate;
        rungs.forEach(r -> rung(r.getKey(), r.getValue()::apply));
    }

    public static TestStrategy of(FailureType type, String rung,
                                  BiFunction<Failure, RecoveryContext, RungResult> body) {
        return new TestStrategy(type.name(), type, false, List.of(Map.entry(rung, body)));
    }

    @Override
    protected List<Failure> detect(ClusterSnapshot snapshot, ClusterHistory history) {
        List<Failure> failures = new ArrayList<>();
        for (NodeObservation o : snapshot.observations().values()) {
            if (!o.reachable()) {
                failures.add(new Failure(type(), List.of(o.node()), Severity.MEDIUM, o.node() + " unreachable",
                        Map.of("reachable", false), immediate));
            }
        }
        return failures;
    }
}
