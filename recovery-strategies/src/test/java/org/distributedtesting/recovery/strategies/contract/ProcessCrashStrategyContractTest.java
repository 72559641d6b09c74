package org.distributedtesting.recovery.strategies.contract;

import org.distributedtesting.recovery.RecoveryStrategy;
import org.distributedtesting.recovery.core.sim.junit.RecoveryStrategyContract;
import org.distributedtesting.recovery.strategies.ProcessCrashStrategy;

/** The built-in crash strategy meets the strategy contract. */
class ProcessCrashStrategyContractTest extends RecoveryStrategyContract {

    @Override
    protected RecoveryStrategy strategy() {
        return new ProcessCrashStrategy();
    }
}
