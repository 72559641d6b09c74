package org.distributedtesting.recovery.strategies.contract;

import org.distributedtesting.recovery.RecoveryStrategy;
import org.distributedtesting.recovery.core.sim.junit.RecoveryStrategyContract;
import org.distributedtesting.recovery.strategies.SlowFollowerStrategy;

/** The built-in slow-follower strategy meets the strategy contract. */
class SlowFollowerStrategyContractTest extends RecoveryStrategyContract {

    @Override
    protected RecoveryStrategy strategy() {
        return new SlowFollowerStrategy();
    }

    /** A slow disk makes the follower fall behind gradually, past max_lag_entries. */
    @Override
    protected int maxCyclesToDetect() {
        return 30;
    }
}
