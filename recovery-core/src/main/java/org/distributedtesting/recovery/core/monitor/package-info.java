/**
 * Watching the engine from outside: {@link org.distributedtesting.recovery.core.monitor.RecoveryMetrics} binds an
 * engine to any Micrometer {@code MeterRegistry} (Micrometer is an optional dependency: only that class needs it),
 * and {@link org.distributedtesting.recovery.core.monitor.EngineHealth} says whether the engine's loop is alive and
 * ready, for a health endpoint.
 */
package org.distributedtesting.recovery.core.monitor;
