package org.distributedtesting.recovery.examples.simtesting;

import org.distributedtesting.recovery.RecoveryStrategy;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.core.sim.junit.RecoveryStrategyContract;
import org.distributedtesting.recovery.examples.custom.PagingCrashStrategy;

/**
 * An operator's custom strategy runs the same contract as the built-in ones: one class, one method.
 */
class PagingCrashStrategyContractTest extends RecoveryStrategyContract {

    @Override
    protected RecoveryStrategy strategy() {
        return new PagingCrashStrategy(Settings.EMPTY, failure -> { });
    }
}
