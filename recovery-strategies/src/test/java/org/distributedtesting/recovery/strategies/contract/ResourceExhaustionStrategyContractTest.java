package org.distributedtesting.recovery.strategies.contract;

import org.distributedtesting.recovery.RecoveryStrategy;
import org.distributedtesting.recovery.core.sim.junit.RecoveryStrategyContract;
import org.distributedtesting.recovery.strategies.ResourceExhaustionStrategy;

/** The built-in resource-exhaustion strategy meets the strategy contract. */
class ResourceExhaustionStrategyContractTest extends RecoveryStrategyContract {

    @Override
    protected RecoveryStrategy strategy() {
        return new ResourceExhaustionStrategy();
    }

    /** A disk filling at a steady rate crosses 90 % or the trend horizon only after a while. */
    @Override
    protected int maxCyclesToDetect() {
        return 40;
    }
}
