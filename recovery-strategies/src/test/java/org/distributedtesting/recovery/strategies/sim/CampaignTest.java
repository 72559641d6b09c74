package org.distributedtesting.recovery.strategies.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.RecoveryStrategy;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.core.sim.Campaign;
import org.distributedtesting.recovery.strategies.BuiltInStrategies;
import org.junit.jupiter.api.Test;

/**
 * A seeded random campaign over every failure type a built-in strategy handles: random cluster sizes, fault
 * sequences, timing and healing. CI runs {@value #CI_SCENARIOS} scenarios; the {@code campaign} Maven profile runs
 * {@code -Dcampaign.scenarios} (README).
 */
class CampaignTest {

    static final int CI_SCENARIOS = 1000;

    private static List<RecoveryStrategy> strategies() {
        return new BuiltInStrategies().strategies(name -> Settings.EMPTY);
    }

    @Test
    void everyScenarioRecoversWithZeroInvariantViolations() {
        int scenarios = Integer.getInteger("campaign.scenarios", CI_SCENARIOS);
        long seed = Long.getLong("campaign.seed", 20261126L);
        List<FailureType> types = strategies().stream().map(RecoveryStrategy::type).toList();
        Campaign campaign = new Campaign(seed, scenarios, types, CampaignTest::strategies, RecoveryOptions.defaults());

        Campaign.Report report = campaign.run(result -> { });

        System.out.printf("campaign seed %d: %d scenarios, %d passed, %d faults injected, %d recovered,"
                        + " %d invariant violations%n", seed, report.scenarios(), report.passed(),
                report.faultsInjected(), report.faultsRecovered(), report.violations());
        assertThat(report.failures()).as("failed scenarios").isEmpty();
        assertThat(report.violations()).isZero();
        assertThat(report.faultsRecovered()).isEqualTo(report.faultsInjected());
    }
}
