package org.distributedtesting.recovery.strategies.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.util.List;
import org.distributedtesting.recovery.FailureType;
import org.junit.jupiter.api.Test;

class SimulateCommandTest {

    @Test
    void injectNamesIgnoreCaseAndAcceptDashes() {
        // When
        List<FailureType> types = SimulateCommand.parseFaults("Process-Crash, network_partition,SLOW_FOLLOWER");

        // Then
        assertThat(types).containsExactly(FailureType.PROCESS_CRASH, FailureType.NETWORK_PARTITION,
                FailureType.SLOW_FOLLOWER);
    }

    @Test
    void anEmptyInjectNameIsRejected() {
        assertThatIllegalArgumentException().isThrownBy(() -> SimulateCommand.parseFaults("process_crash,"))
                .withMessageStartingWith("--inject needs failure types separated by commas, but was 'process_crash,'");
    }

    @Test
    void absentOptionsTakeTheDefaults() {
        // When
        SimulateCommand.Request request = SimulateCommand.request(null, null, null, null, false);

        // Then
        assertThat(request).isEqualTo(new SimulateCommand.Request(5, 1, FailureType.standard(),
                Duration.ofSeconds(600), false));
    }

    @Test
    void fractionalDurationsKeepTheirMilliseconds() {
        assertThat(SimulateCommand.request(3, 9L, "deadlock", 90.25, true).duration())
                .isEqualTo(Duration.ofMillis(90_250));
    }

    @Test
    void aRequestWithoutFaultsIsRejected() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new SimulateCommand.Request(5, 1, List.of(), Duration.ofSeconds(1), false))
                .withMessageStartingWith("--inject needs at least one failure type");
    }
}
