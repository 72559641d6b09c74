package org.distributedtesting.recovery.strategies.regression;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.core.sim.Scenario;
import org.distributedtesting.recovery.core.sim.ScenarioResult;
import org.distributedtesting.recovery.strategies.BuiltInStrategies;
import org.junit.jupiter.api.Test;

/**
 * Found by the overlapping campaign on 3 nodes: a follower applied a command wrongly, and 4 s later the leader was
 * cut off from the majority. The diverged follower won the election; between two checkpoints no majority could judge
 * its current index, so it was taken for healed, served as the source of another node's database restore, and sent
 * its wrong state to the reconnecting old leader in a snapshot: an acknowledged write was lost on every node. A node
 * that diverged stays diverged while it keeps its process, a replica no majority vouches for is never a copy source,
 * and a diverged leader steps down to a node of the majority before it is repaired.
 */
class DivergedNodeBecameLeaderAndSpreadItsStateTest {

    @Test
    void aDivergedFollowerThatWinsTheElectionAfterASplitBrainNeverSpreadsItsState() {
        List<String> problems = new ArrayList<>();
        for (long seed = 1; seed <= 20; seed++) {
            ScenarioResult result = Scenario.builder().nodes(3).seed(seed)
                    .injectAt(FailureType.PROCESS_CRASH, Duration.ZERO)
                    .injectAt(FailureType.STATE_DIVERGENCE, Duration.ofSeconds(14))
                    .injectAt(FailureType.SPLIT_BRAIN, Duration.ofSeconds(18))
                    .healAfter(Duration.ofSeconds(22)).maxDuration(Duration.ofMinutes(10))
                    .strategies(new BuiltInStrategies().strategies(n -> Settings.EMPTY))
                    .options(RecoveryOptions.defaults()).build().run();
            if (!result.passed()) {
                problems.add("seed " + seed + ": violations " + result.violations() + ", faults " + result.faults() + ", healthy at end " + result.healthyAtEnd());
            }
        }
        assertThat(problems).isEmpty();
    }
}
