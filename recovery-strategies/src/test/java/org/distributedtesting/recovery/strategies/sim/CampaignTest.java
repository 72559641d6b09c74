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
 * {@code -Dcampaign.scenarios} (README). Scenarios run side by side on every core ({@code -Dcampaign.threads} to
 * change it); the counts do not depend on it.
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

        int threads = Integer.getInteger("campaign.threads", Runtime.getRuntime().availableProcessors());
        Campaign.Report report = campaign.run(result -> { }, threads);

        System.out.printf("campaign seed %d: %d scenarios, %d passed, %d faults injected, %d recovered,"
                        + " %d invariant violations%n", seed, report.scenarios(), report.passed(),
                report.faultsInjected(), report.faultsRecovered(), report.violations());
        assertThat(report.failures()).as("failed scenarios").isEmpty();
        assertThat(report.violations()).isZero();
        assertThat(report.faultsRecovered()).isEqualTo(report.faultsInjected());
    }

    @Test
    void reportsTheSameOnTwoThreadsAsOnOne() {
        // Given a small campaign
        List<FailureType> types = strategies().stream().map(RecoveryStrategy::type).toList();
        Campaign campaign = new Campaign(7L, 40, types, CampaignTest::strategies, RecoveryOptions.defaults());
        List<Long> seedsOnOne = new java.util.ArrayList<>();
        List<Long> seedsOnTwo = new java.util.ArrayList<>();

        // When it runs on one thread and on two
        Campaign.Report one = campaign.run(result -> seedsOnOne.add(result.seed()), 1);
        Campaign.Report two = campaign.run(result -> seedsOnTwo.add(result.seed()), 2);

        // Then the reports are equal and the results came in the same order
        assertThat(two).isEqualTo(one);
        assertThat(seedsOnTwo).isEqualTo(seedsOnOne).hasSize(40);
    }
}
