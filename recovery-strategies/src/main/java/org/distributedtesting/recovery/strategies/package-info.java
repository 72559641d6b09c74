/**
 * The built-in coordinator strategies, one class per failure type. Each is a
 * {@link org.distributedtesting.recovery.core.LadderStrategy} whose rungs are protected methods, so a host can
 * subclass one and override a single rung.
 */
package org.distributedtesting.recovery.strategies;
