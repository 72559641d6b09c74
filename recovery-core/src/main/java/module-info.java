/**
 * The engine of Coordinator Recovery: the cycle, the planner's safety guards, the strategy registry, config
 * loading, the journal, process supervision and the HTTP node protocol.
 */
module org.distributedtesting.recovery.core {
    requires transitive org.distributedtesting.recovery.api;
    requires org.slf4j;
    requires com.fasterxml.jackson.databind;
    requires java.net.http;
    // only for history: JDBC to the DuckDB driver, which the application puts on its class path (the daemon does)
    requires java.sql;
    // only for the simulator's test support (sim.junit, sim.assertj), whose public types extend JUnit's and
    // AssertJ's; optional: not transitive either, or every module reading this one would need them to compile
    requires static org.junit.jupiter.api;
    requires static org.assertj.core;
    // only for monitor.RecoveryMetrics, which binds the engine to a MeterRegistry of the application's
    requires static micrometer.core;
    // only for coordination.zookeeper: several daemons on one cluster, one of them active (Curator's leader latch)
    requires static curator.client;
    requires static curator.framework;
    requires static curator.recipes;
    requires static zookeeper;

    exports org.distributedtesting.recovery.core;
    exports org.distributedtesting.recovery.core.alert;
    exports org.distributedtesting.recovery.core.config;
    exports org.distributedtesting.recovery.core.coordination;
    exports org.distributedtesting.recovery.core.coordination.zookeeper;
    exports org.distributedtesting.recovery.core.history;
    exports org.distributedtesting.recovery.core.http;
    exports org.distributedtesting.recovery.core.http.client;
    exports org.distributedtesting.recovery.core.http.server;
    exports org.distributedtesting.recovery.core.journal;
    exports org.distributedtesting.recovery.core.monitor;
    exports org.distributedtesting.recovery.core.sim;
    exports org.distributedtesting.recovery.core.sim.assertj;
    exports org.distributedtesting.recovery.core.sim.harness;
    exports org.distributedtesting.recovery.core.sim.junit;
    exports org.distributedtesting.recovery.core.supervise;

    uses org.distributedtesting.recovery.spi.RecoveryStrategyProvider;
}
