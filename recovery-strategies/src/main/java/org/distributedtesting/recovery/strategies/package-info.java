/**
 * The built-in coordinator strategies, one class per failure type. Each is a
 * {@link org.distributedtesting.recovery.core.LadderStrategy} whose rungs are protected methods, so a host can
 * subclass one and override a single rung.
 *
 * <p>Every strategy has the same shape inside: its protected {@code detect} delegates to a pure
 * {@link org.distributedtesting.recovery.FailureDetector} of its own, and a strategy with settings reads them once,
 * through one reader that names the full config key in every error, into an immutable settings record from which
 * its detector is built. Those types, and the helpers several strategies share, are package-private.
 */
package org.distributedtesting.recovery.strategies;
