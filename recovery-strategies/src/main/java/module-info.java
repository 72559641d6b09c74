/**
 * The built-in coordinator strategies and the command-line daemon.
 */
module org.distributedtesting.recovery.strategies {
    requires transitive org.distributedtesting.recovery.core;
    requires org.slf4j;
    // the daemon's command line only: an optional dependency (in recovery.jar, which runs on the class path), so an
    // application that embeds the strategies on the module path resolves without it
    requires static info.picocli;
    requires com.fasterxml.jackson.databind;
    // the daemon's /metrics
    requires micrometer.core;
    requires micrometer.registry.prometheus;
    // sun.misc.Signal: the daemon handles SIGTERM itself, so that a stop exits 0 (StopSignals)
    requires jdk.unsupported;

    exports org.distributedtesting.recovery.strategies;
    exports org.distributedtesting.recovery.strategies.cli;

    opens org.distributedtesting.recovery.strategies.cli to info.picocli;

    provides org.distributedtesting.recovery.spi.RecoveryStrategyProvider
            with org.distributedtesting.recovery.strategies.BuiltInStrategies;
}
