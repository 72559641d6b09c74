package org.distributedtesting.recovery.strategies.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.core.sim.FaultOutcome;
import org.distributedtesting.recovery.core.sim.Scenario;
import org.distributedtesting.recovery.core.sim.ScenarioResult;
import org.distributedtesting.recovery.strategies.BuiltInStrategies;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The README's simulation (`recovery.jar --simulate --nodes N --seed S`): all ten faults, one every 30 s in
 * precedence order, on 3, 5 and 7 nodes over {@value #SEEDS} seeds each. Every seed must pass as the command judges
 * it: every fault recovered, the cluster healthy at the end, no invariant broken. {@code -Dsweep.seeds} runs more.
 */
class TenFaultSequenceSweepTest {

    static final int SEEDS = 200;

    @ParameterizedTest(name = "{0} nodes")
    @ValueSource(ints = {3, 5, 7})
    void everySeedRecoversEveryFault(int nodes) {
        int seeds = Integer.getInteger("sweep.seeds", SEEDS);
        List<String> failed = new ArrayList<>();
        for (long seed = 1; seed <= seeds; seed++) {
            ScenarioResult result = Scenario.builder().nodes(nodes).seed(seed).inject(FailureType.standard())
                    .spacing(Duration.ofSeconds(30)).maxDuration(Duration.ofSeconds(600))
                    .strategies(new BuiltInStrategies().strategies(name -> Settings.EMPTY))
                    .options(RecoveryOptions.defaults()).build().run();
            if (!result.passed() || result.faults().size() != FailureType.standard().size()) {
                failed.add("seed " + seed + ": " + summary(result));
            }
        }
        assertThat(failed).as("seeds that failed on %d nodes (replay: recovery.jar --simulate --nodes %d --seed S)",
                nodes, nodes).isEmpty();
    }

    private static String summary(ScenarioResult result) {
        StringBuilder s = new StringBuilder();
        for (FaultOutcome f : result.faults()) {
            if (!f.recovered()) {
                s.append(f.type()).append(" on ").append(f.nodes()).append(f.escalated() ? " escalated" : "")
                        .append(f.timeToDetect().isEmpty() ? " undetected" : "").append("; ");
            }
        }
        if (!result.healthyAtEnd()) {
            s.append("not healthy at the end; ");
        }
        result.violations().stream().limit(3).forEach(v -> s.append(v).append("; "));
        return s.toString();
    }
}
