package org.distributedtesting.recovery.strategies.contract;

import org.distributedtesting.recovery.RecoveryStrategy;
import org.distributedtesting.recovery.core.sim.junit.RecoveryStrategyContract;
import org.distributedtesting.recovery.strategies.StateDivergenceStrategy;

/** The built-in state-divergence strategy meets the strategy contract. */
class StateDivergenceStrategyContractTest extends RecoveryStrategyContract {

    @Override
    protected RecoveryStrategy strategy() {
        return new StateDivergenceStrategy();
    }
}
