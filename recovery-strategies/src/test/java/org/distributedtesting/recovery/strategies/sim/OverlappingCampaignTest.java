package org.distributedtesting.recovery.strategies.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.RecoveryStrategy;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.core.sim.OverlappingCampaign;
import org.distributedtesting.recovery.strategies.BuiltInStrategies;
import org.junit.jupiter.api.Test;

/**
 * A seeded random campaign whose faults overlap beyond what the cluster tolerates (a majority down, cut off or
 * damaged at once), judged by the bar {@link OverlappingCampaign} writes down: nothing unsafe, every fault that can be
 * recovered once a majority is back is recovered, healthy at the end unless a fault that cannot be recovered is left.
 * CI runs {@value #CI_SCENARIOS} scenarios and {@code .ci/run} prints the result line this test writes to
 * {@code target/overlapping-campaign.txt}; {@code -Doverlap.scenarios} and {@code -Doverlap.seed} run others. Scenarios
 * run side by side on every core ({@code -Doverlap.threads} to change it); the counts do not depend on it.
 */
class OverlappingCampaignTest {

    static final int CI_SCENARIOS = 300;

    private static List<RecoveryStrategy> strategies() {
        return new BuiltInStrategies().strategies(name -> Settings.EMPTY);
    }

    @Test
    void everyRecoverableFaultIsRecoveredAndNothingUnsafeIsDone() throws IOException {
        int scenarios = Integer.getInteger("overlap.scenarios", CI_SCENARIOS);
        long seed = Long.getLong("overlap.seed", 20261207L);
        List<FailureType> types = strategies().stream().map(RecoveryStrategy::type).toList();
        OverlappingCampaign campaign = new OverlappingCampaign(seed, scenarios, types,
                OverlappingCampaignTest::strategies, RecoveryOptions.defaults());

        int threads = Integer.getInteger("overlap.threads", Runtime.getRuntime().availableProcessors());
        OverlappingCampaign.Report report = campaign.run(result -> { }, threads);

        String line = String.format(Locale.ROOT, "overlapping campaign seed %d: %d scenarios (%d beyond tolerance),"
                        + " %d passed; %d faults, %d recovered, %d unrecoverable by the bar; %d invariant violations",
                seed, report.scenarios(), report.beyondTolerance(), report.passed(), report.faults(),
                report.recovered(), report.unrecoverable(), report.violations());
        System.out.println(line);
        Path out = Path.of("target", "overlapping-campaign.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, line + System.lineSeparator()
                + String.join(System.lineSeparator(), report.failures()) + System.lineSeparator());
        assertThat(report.failures()).as("scenarios below the bar (replay: OverlappingCampaign#scenario(i))")
                .isEmpty();
        assertThat(report.violations()).isZero();
    }
}
