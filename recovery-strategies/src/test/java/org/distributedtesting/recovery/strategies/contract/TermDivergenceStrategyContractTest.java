package org.distributedtesting.recovery.strategies.contract;

import org.distributedtesting.recovery.RecoveryStrategy;
import org.distributedtesting.recovery.core.sim.junit.RecoveryStrategyContract;
import org.distributedtesting.recovery.strategies.TermDivergenceStrategy;

/** The built-in term-divergence strategy meets the strategy contract. */
class TermDivergenceStrategyContractTest extends RecoveryStrategyContract {

    @Override
    protected RecoveryStrategy strategy() {
        return new TermDivergenceStrategy();
    }

    /** A campaign loop is told from elections once its term has grown past max_term_growth within the window. */
    @Override
    protected int maxCyclesToDetect() {
        return 15;
    }
}
