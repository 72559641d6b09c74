package org.distributedtesting.recovery.core.regression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.List;
import org.distributedtesting.recovery.ClusterHistory;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.RungResult;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.core.LadderStrategy;
import org.distributedtesting.recovery.core.sim.Campaign;
import org.junit.jupiter.api.Test;

/**
 * Symptom: a campaign with another seed than CI's stopped with an IndexOutOfBoundsException. A fault that would
 * overlap more faults than the cluster tolerates is left out of its scenario, and the next fault's offset was then
 * read at the left-out fault's position instead of after the last fault kept.
 */
class CampaignFailedAfterALeftOutFaultTest {

    /** A strategy that never reports anything: scenarios need one, and these are only built, not run. */
    private static final class Idle extends LadderStrategy {
        Idle() {
            super("idle", FailureType.PROCESS_CRASH, Settings.EMPTY);
            rung("nothing", (failure, context) -> RungResult.skipped("idle"));
        }

        @Override
        protected List<Failure> detect(ClusterSnapshot snapshot, ClusterHistory history) {
            return List.of();
        }
    }

    @Test
    void everyScenarioOfACampaignWhoseScenariosLeaveFaultsOutCanBeBuilt() {
        // Given the seed that failed: its scenario 9 is the first to leave a fault out and draw another after it
        Campaign campaign = new Campaign(7, 200, FailureType.standard(), () -> List.of(new Idle()),
                RecoveryOptions.defaults());

        // When / Then
        for (int i = 0; i < 200; i++) {
            int scenario = i;
            assertThatCode(() -> assertThat(campaign.scenario(scenario)).isNotNull()).as("scenario %d", i)
                    .doesNotThrowAnyException();
        }
    }
}
