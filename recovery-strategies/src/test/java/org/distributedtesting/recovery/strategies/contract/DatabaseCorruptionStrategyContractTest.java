package org.distributedtesting.recovery.strategies.contract;

import org.distributedtesting.recovery.RecoveryStrategy;
import org.distributedtesting.recovery.core.sim.junit.RecoveryStrategyContract;
import org.distributedtesting.recovery.strategies.DatabaseCorruptionStrategy;

/** The built-in database-corruption strategy meets the strategy contract. */
class DatabaseCorruptionStrategyContractTest extends RecoveryStrategyContract {

    @Override
    protected RecoveryStrategy strategy() {
        return new DatabaseCorruptionStrategy();
    }
}
