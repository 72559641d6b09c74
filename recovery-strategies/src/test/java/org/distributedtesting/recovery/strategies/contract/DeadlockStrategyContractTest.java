package org.distributedtesting.recovery.strategies.contract;

import org.distributedtesting.recovery.RecoveryStrategy;
import org.distributedtesting.recovery.core.sim.junit.RecoveryStrategyContract;
import org.distributedtesting.recovery.strategies.DeadlockStrategy;

/** The built-in deadlock strategy meets the strategy contract. */
class DeadlockStrategyContractTest extends RecoveryStrategyContract {

    @Override
    protected RecoveryStrategy strategy() {
        return new DeadlockStrategy();
    }

    /** A stalled apply counts after stall_cycles (5) of commits passing it by. */
    @Override
    protected int maxCyclesToDetect() {
        return 15;
    }
}
