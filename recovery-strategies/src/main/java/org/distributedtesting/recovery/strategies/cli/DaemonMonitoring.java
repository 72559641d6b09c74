package org.distributedtesting.recovery.strategies.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.distributedtesting.recovery.core.RecoveryEngine;
import org.distributedtesting.recovery.core.alert.DeliveryStats;
import org.distributedtesting.recovery.core.config.ListenAddress;
import org.distributedtesting.recovery.core.http.server.MonitoringServer;
import org.distributedtesting.recovery.core.http.server.MonitoringServer.Page;
import org.distributedtesting.recovery.core.monitor.EngineHealth;
import org.distributedtesting.recovery.core.monitor.RecoveryMetrics;

/**
 * The daemon's monitoring endpoint: the engine's meters ({@link RecoveryMetrics}) and the JVM's in a Prometheus
 * registry at {@code GET /metrics}, the loop's health ({@link EngineHealth}) at {@code GET /health} (200 or 503 with
 * the reason) and readiness at {@code GET /ready} (200 once the first cycle has completed, 503 before).
 *
 * <p>Thread-safe.
 */
final class DaemonMonitoring implements AutoCloseable {

    /** The content type of Prometheus' text exposition format, version 0.0.4. */
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final String JSON = "application/json";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final PrometheusMeterRegistry registry;
    private final RecoveryMetrics metrics;
    private final EngineHealth health;
    private final MonitoringServer server;

    private DaemonMonitoring(PrometheusMeterRegistry registry, RecoveryMetrics metrics, EngineHealth health,
                             MonitoringServer server) {
        this.registry = registry;
        this.metrics = metrics;
        this.health = health;
        this.server = server;
    }

    /**
     * Binds the engine's meters and health, and serves them on {@code listen}.
     *
     * @param interval the interval the daemon runs cycles at
     * @throws UncheckedIOException if the address cannot be bound (in use, not local)
     */
    static DaemonMonitoring start(RecoveryEngine engine, Duration interval, ListenAddress listen) {
        PrometheusMeterRegistry registry = registry();
        RecoveryMetrics metrics = RecoveryMetrics.bind(engine, registry);
        EngineHealth health = EngineHealth.watch(engine, interval);
        Map<String, Supplier<Page>> pages = new LinkedHashMap<>();
        pages.put("/metrics", () -> Page.text(200, PROMETHEUS_TEXT, registry.scrape()));
        pages.put("/health", () -> health(health));
        pages.put("/ready", () -> ready(health));
        try {
            MonitoringServer server = MonitoringServer.start(listen.socketAddress(), pages);
            return new DaemonMonitoring(registry, metrics, health, server);
        } catch (IOException e) {
            metrics.close();
            registry.close();
            throw new UncheckedIOException("cannot listen on " + listen + " for /metrics: " + e.getMessage(), e);
        }
    }

    /**
     * A Prometheus registry with the JVM's meters. Two of ProcessorMetrics' are left out because Prometheus' own
     * linter ({@code promtool check metrics}) refuses their names: {@code system_cpu_count} (a {@code _count} suffix on
     * a gauge) and {@code process_cpu_time_ns_total} (an abbreviated unit); {@code process_cpu_usage} says as much.
     */
    static PrometheusMeterRegistry registry() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().meterFilter(MeterFilter.deny(id -> id.getName().equals("system.cpu.count")
                || id.getName().equals("process.cpu.time")));
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        return registry;
    }

    /**
     * The alert sinks' deliveries as {@code coordinator_recovery_alerts_total{sink, outcome}}: delivered, retried,
     * gave_up, dropped.
     */
    void bindAlerts(List<DeliveryStats> sinks) {
        for (DeliveryStats stats : sinks) {
            counter(stats, "delivered", DeliveryStats::delivered);
            counter(stats, "retried", DeliveryStats::retried);
            counter(stats, "gave_up", DeliveryStats::gaveUp);
            counter(stats, "dropped", DeliveryStats::dropped);
        }
    }

    private void counter(DeliveryStats stats, String outcome, java.util.function.ToDoubleFunction<DeliveryStats> f) {
        FunctionCounter.builder(RecoveryMetrics.PREFIX + ".alerts", stats, f).tags("sink", stats.sink(), "outcome",
                outcome).description("notifications to an alert sink: delivered, retried (an attempt failed and was"
                + " tried again), gave_up, dropped (queue full)").register(registry);
    }

    /** Where the endpoint listens. */
    String url() {
        var address = server.address();
        String host = address.getAddress().getHostAddress();
        return "http://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /** From now on /health answers 503 "stopping". */
    void stopping() {
        health.stopping();
    }

    @Override
    public void close() {
        server.close();
        metrics.close();
        registry.close();
    }

    private static Page health(EngineHealth health) {
        EngineHealth.Check check = health.check();
        return json(check.healthy() ? 200 : 503, body(check, health));
    }

    private static Page ready(EngineHealth health) {
        EngineHealth.Check check = health.check();
        ObjectNode body = body(check, health);
        body.put("ready", check.ready());
        return json(check.ready() ? 200 : 503, body);
    }

    private static ObjectNode body(EngineHealth.Check check, EngineHealth health) {
        ObjectNode body = MAPPER.createObjectNode();
        body.put("status", check.status().jsonName());
        body.put("healthy", check.healthy());
        body.put("reason", check.reason());
        check.lastCycle().ifPresent(at -> body.put("last_cycle_at", at.toString()));
        body.put("seconds_since_last_cycle", Math.round(check.sinceLast().toMillis() / 100.0) / 10.0);
        body.put("cycles", check.cycles());
        body.put("interval_seconds", check.interval().toMillis() / 1000.0);
        // several daemons on one cluster: which one this is, and whether it acts
        health.role().ifPresent(role -> {
            body.put("instance", role.instance());
            body.put("role", role.role());
            body.put("epoch", role.epoch());
            body.put("role_reason", role.reason());
        });
        return body;
    }

    private static Page json(int status, ObjectNode body) {
        try {
            return new Page(status, JSON, MAPPER.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
