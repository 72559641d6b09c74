package org.distributedtesting.recovery.strategies.regression;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.JournalRecord;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.core.sim.Scenario;
import org.distributedtesting.recovery.core.sim.ScenarioResult;
import org.distributedtesting.recovery.strategies.BuiltInStrategies;
import org.junit.jupiter.api.Test;

/**
 * Found by the overlapping campaign: on 5 nodes, two followers were cut off while they campaigned in a loop and a
 * third was isolated, so the last entries were committed by the leader, the isolated node and one more follower;
 * then that follower's log was found corrupt, and the log ladder reset it at once (stopping one voter of the two
 * still up was within the quorum budget, which counts voters up, not copies of the data). Its empty log voted for
 * the first campaigner to come back, whose log ended before those entries: a leader without committed entries
 * (leader completeness broken, acknowledged writes lost). A voter's log is now discarded only while a majority of the
 * other voters are known to hold every committed entry; until then the repair waits.
 */
class CommittedEntriesLostAfterALogResetWhileVotersWereCutOffTest {

    @Test
    void aCorruptLogIsResetOnlyOnceAMajorityOfTheOtherVotersHoldsEveryCommittedEntry() {
        List<String> problems = new ArrayList<>();
        int held = 0;
        for (long seed = 1; seed <= 20; seed++) {
            ScenarioResult result = Scenario.builder().nodes(5).seed(seed)
                    .injectAt(FailureType.TERM_DIVERGENCE, Duration.ZERO)
                    .injectAt(FailureType.TERM_DIVERGENCE, Duration.ofSeconds(2))
                    .injectAt(FailureType.NETWORK_PARTITION, Duration.ofSeconds(4))
                    .injectAt(FailureType.LOG_CORRUPTION, Duration.ofSeconds(5))
                    .healAfter(Duration.ofSeconds(40)).maxDuration(Duration.ofMinutes(15))
                    .strategies(new BuiltInStrategies().strategies(n -> Settings.EMPTY))
                    .options(RecoveryOptions.defaults()).build().run();
            held += (int) result.journal().stream().filter(CommittedEntriesLostAfterALogResetWhileVotersWereCutOffTest
                    ::heldForReplicas).count();
            if (!result.passed()) {
                problems.add("seed " + seed + ": " + result.violations().stream().limit(2).toList()
                        + result.faults().stream().filter(f -> !f.recovered()).map(f -> f.type() + " not recovered")
                        .toList());
            }
        }
        assertThat(problems).isEmpty();
        assertThat(held).as("log repairs held back by the committed-replica budget").isPositive();
    }

    private static boolean heldForReplicas(JournalRecord record) {
        return record.action().equals("recover_log_corruption")
                && "deferred".equals(record.details().get("outcome"))
                && String.valueOf(record.details().get("detail")).contains("committed_replicas");
    }
}
