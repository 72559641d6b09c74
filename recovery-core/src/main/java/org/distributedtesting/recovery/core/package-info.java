/**
 * The recovery engine and its public entry points: {@link org.distributedtesting.recovery.core.RecoveryEngine},
 * {@link org.distributedtesting.recovery.core.StrategyRegistry} and the ladder base class for strategies.
 */
package org.distributedtesting.recovery.core;
