package org.distributedtesting.recovery.strategies.contract;

import java.time.Duration;
import java.util.Optional;
import org.distributedtesting.recovery.RecoveryStrategy;
import org.distributedtesting.recovery.core.sim.junit.RecoveryStrategyContract;
import org.distributedtesting.recovery.strategies.NetworkPartitionStrategy;

/** The built-in network-partition strategy meets the strategy contract. */
class NetworkPartitionStrategyContractTest extends RecoveryStrategyContract {

    @Override
    protected RecoveryStrategy strategy() {
        return new NetworkPartitionStrategy();
    }

    /** No action ends a partition: the strategy waits for it to heal, without changing the membership. */
    @Override
    protected Optional<Duration> healAfter() {
        return Optional.of(Duration.ofSeconds(30));
    }
}
