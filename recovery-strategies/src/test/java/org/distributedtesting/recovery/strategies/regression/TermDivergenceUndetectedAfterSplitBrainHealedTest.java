package org.distributedtesting.recovery.strategies.regression;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.core.sim.FaultOutcome;
import org.distributedtesting.recovery.core.sim.ScenarioResult;
import org.distributedtesting.recovery.core.sim.Scenario;
import org.distributedtesting.recovery.strategies.BuiltInStrategies;
import org.junit.jupiter.api.Test;

/**
 * On 3 nodes, a node set campaigning in a loop just as an earlier split brain healed went undetected for 30 s: the
 * heal of the split brain reconnected the campaigner (the simulator's links were one flag, not a count), so the
 * fault the README's simulation reported as "not detected" never took effect. With overlapping cuts counted, the
 * campaign loop is real, detected and recovered.
 */
class TermDivergenceUndetectedAfterSplitBrainHealedTest {

    @Test
    void aCampaignLoopInjectedAsASplitBrainHealsIsDetectedAndRecovered() {
        ScenarioResult result = Scenario.builder().nodes(3).seed(7)
                .inject(List.of(FailureType.SPLIT_BRAIN, FailureType.TERM_DIVERGENCE)).spacing(Duration.ofSeconds(30))
                .maxDuration(Duration.ofSeconds(300)).strategies(new BuiltInStrategies().strategies(n -> Settings.EMPTY))
                .options(RecoveryOptions.defaults()).build().run();

        FaultOutcome loop = result.faults().get(1);
        assertThat(loop.type()).isEqualTo(FailureType.TERM_DIVERGENCE);
        assertThat(loop.timeToDetect()).as(String.join("\n", result.trace())).isPresent();
        assertThat(loop.recovered()).isTrue();
        assertThat(result.passed()).isTrue();
    }
}
