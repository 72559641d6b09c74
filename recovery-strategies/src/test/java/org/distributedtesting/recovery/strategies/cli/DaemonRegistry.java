package org.distributedtesting.recovery.strategies.cli;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The Prometheus registry the daemon serves at {@code GET /metrics}, with the JVM meters it binds
 * ({@link DaemonMonitoring#registry()}), for tests outside this package that need a scrape with the daemon's names.
 *
 * <p>Stateless; thread-safe.
 */
public final class DaemonRegistry {

    private DaemonRegistry() {
    }

    /** A new registry as the daemon builds it, before the engine's meters are bound; the caller closes it. */
    public static PrometheusMeterRegistry create() {
        return DaemonMonitoring.registry();
    }
}
