package org.distributedtesting.recovery.core.alert;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.distributedtesting.recovery.JournalRecord;
import org.distributedtesting.recovery.RecoveryEvent;
import org.distributedtesting.recovery.RecoveryListener;
import org.distributedtesting.recovery.core.config.AlertsConfig;
import org.distributedtesting.recovery.core.config.AlertsConfig.Sink;
import org.distributedtesting.recovery.core.config.ConfigException;
import org.distributedtesting.recovery.core.config.Secrets;
import org.distributedtesting.recovery.core.journal.RecoveryJournal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the engine's events to the configured sinks (Alertmanager, PagerDuty, Slack, Teams, a signed webhook) without
 * ever slowing or stopping it: a listener that only turns an event into notices and queues them, a bounded queue and
 * a worker thread per destination, retries with backoff for what may pass later, and for what is given up a WARN line
 * and a journal record ({@value #GAVE_UP_RECORD}, naming the sink, what was sent and why it failed, never a URL or a
 * secret). Register it as the engine's listener.
 *
 * <p>Thread-safe.
 */
public final class AlertRouter implements RecoveryListener, AutoCloseable {

    /** The journal record of a notification given up. */
    public static final String GAVE_UP_RECORD = "alert_delivery_failed";
    static final Duration BACKOFF_INITIAL = Duration.ofSeconds(1);
    static final Duration BACKOFF_MAX = Duration.ofSeconds(60);
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(AlertRouter.class);

    /** One sink: what it sends, and where. */
    private record Route(Sink sink, Format format, List<Courier> couriers, DeliveryStats stats) {
    }

    /**
     * What {@link #sendTest()} found for one destination.
     *
     * @param sink        the sink's name
     * @param destination the sink and the destination's number, such as {@code alertmanager#2}
     * @param delivered   whether every test notice was accepted
     * @param detail      the status codes or the error
     */
    public record TestResult(String sink, String destination, boolean delivered, String detail) {
    }

    private final List<Route> routes;
    private final ScheduledExecutorService timer;

    private AlertRouter(List<Route> routes, ScheduledExecutorService timer) {
        this.routes = routes;
        this.timer = timer;
    }

    /**
     * Reads every sink's secrets and starts delivering.
     *
     * @param env        the environment secrets may come from
     * @param configFile the config file, for messages
     * @param journal    where a notification given up is recorded
     * @throws ConfigException if a secret is missing or unusable (naming the key, never the secret)
     */
    public static AlertRouter start(AlertsConfig config, Map<String, String> env, Path configFile,
                                    RecoveryJournal journal, Clock clock) {
        return start(config, env, configFile, journal, clock, BACKOFF_INITIAL, BACKOFF_MAX);
    }

    static AlertRouter start(AlertsConfig config, Map<String, String> env, Path configFile, RecoveryJournal journal,
                             Clock clock, Duration backoffInitial, Duration backoffMax) {
        Objects.requireNonNull(journal, "journal");
        Map<Sink, Format> formats = new LinkedHashMap<>();
        Map<Sink, List<URI>> targets = new LinkedHashMap<>();
        for (Sink sink : config.sinks()) { // every secret first: a bad one starts nothing
            Subscription subscription = new Subscription(sink.events(), sink.minSeverity());
            List<URI> urls = new ArrayList<>(sink.urls());
            sink.urlSecret().ifPresent(s -> urls.add(secretUrl(s, env, configFile)));
            String secret = sink.secret().map(s -> Secrets.read(s, env, configFile)).orElse(null);
            formats.put(sink, switch (sink.type()) {
                case ALERTMANAGER -> new AlertmanagerFormat(config.cluster(), subscription, sink.resendInterval(),
                        clock);
                case PAGERDUTY -> new PagerDutyFormat(secret, config.cluster(), subscription);
                case SLACK -> new ChatFormat(ChatFormat.Chat.SLACK, config.cluster(), subscription);
                case TEAMS -> new ChatFormat(ChatFormat.Chat.TEAMS, config.cluster(), subscription);
                case WEBHOOK -> new WebhookFormat(secret, subscription);
            });
            targets.put(sink, urls.stream().map(u -> sink.type() == AlertsConfig.SinkType.ALERTMANAGER
                    ? alertsEndpoint(u) : u).toList());
        }
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        List<Route> routes = new ArrayList<>();
        for (Sink sink : config.sinks()) {
            DeliveryStats stats = new DeliveryStats(sink.name());
            List<URI> urls = targets.get(sink);
            List<Courier> couriers = new ArrayList<>();
            for (int i = 0; i < urls.size(); i++) {
                String destination = urls.size() == 1 ? sink.name() : sink.name() + "#" + (i + 1);
                couriers.add(new Courier(sink.name(), destination, urls.get(i), client, sink.timeout(),
                        sink.queueSize(), sink.maxAttempts(), backoffInitial, backoffMax, stats,
                        g -> journalGiveUp(journal, clock, g), clock));
            }
            routes.add(new Route(sink, formats.get(sink), couriers, stats));
        }
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "alerts-resend");
            t.setDaemon(true);
            return t;
        });
        AlertRouter router = new AlertRouter(routes, timer);
        for (Route route : routes) {
            if (route.sink().type() == AlertsConfig.SinkType.ALERTMANAGER) {
                long every = route.sink().resendInterval().toMillis();
                timer.scheduleAtFixedRate(() -> router.dispatch(route, route.format().resend(clock.instant())),
                        every, every, TimeUnit.MILLISECONDS);
            }
        }
        LOG.info("Alerts go to {}", routes.stream().map(r -> r.sink().name() + " (" + r.sink().type().configName()
                + ", " + r.sink().events().configName() + ")").toList());
        return router;
    }

    private static URI secretUrl(AlertsConfig.SecretSource source, Map<String, String> env, Path configFile) {
        String text = Secrets.read(source, env, configFile);
        URI uri;
        try {
            uri = new URI(text);
        } catch (java.net.URISyntaxException e) {
            uri = null;
        }
        if (uri == null || uri.getHost() == null || !"https".equalsIgnoreCase(uri.getScheme())
                && !"http".equalsIgnoreCase(uri.getScheme())) {
            String where = source.file().map(f -> "'" + f + "'").orElse("environment variable "
                    + source.env().orElse("?"));
            throw new ConfigException(source.key(), configFile + ": " + source.key() + ": " + where
                    + " must hold an http:// or https:// URL with a host (its content is not shown)");
        }
        return uri;
    }

    /** Alertmanager's alerts endpoint under its base URL. */
    static URI alertsEndpoint(URI base) {
        String text = base.toString();
        return URI.create((text.endsWith("/") ? text.substring(0, text.length() - 1) : text) + "/api/v2/alerts");
    }

    private static void journalGiveUp(RecoveryJournal journal, Clock clock, Courier.GiveUp g) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("sink", g.sink());
        details.put("destination", g.destination());
        details.put("notification", g.what());
        details.put("attempts", g.attempts());
        details.put("error", g.lastError());
        try {
            journal.append(new JournalRecord(clock.instant(), GAVE_UP_RECORD, details));
        } catch (RuntimeException e) {
            LOG.warn("Could not journal the notification given up by {}", g.destination(), e);
        }
    }

    @Override
    public void onEvent(RecoveryEvent event) {
        for (Route route : routes) {
            List<Notice> notices;
            try {
                notices = route.format().onEvent(event);
            } catch (RuntimeException e) {
                LOG.warn("Alert sink {} could not make a notification of {}", route.sink().name(), event.kind(), e);
                continue;
            }
            dispatch(route, notices);
        }
    }

    private void dispatch(Route route, List<Notice> notices) {
        for (Notice notice : notices) {
            route.couriers().forEach(c -> c.offer(notice));
        }
    }

    /**
     * Sends one test notification to every destination of every sink now, once each, and says what came of it: for
     * {@code --test-alerts}. Waits for the answers (each within its sink's timeout).
     */
    public List<TestResult> sendTest() {
        List<TestResult> results = new ArrayList<>();
        Instant now = Instant.now();
        for (Route route : routes) {
            List<Notice> notices = route.format().test(now);
            for (Courier courier : route.couriers()) {
                boolean ok = true;
                List<String> said = new ArrayList<>();
                for (Notice notice : notices) {
                    Courier.Attempt attempt = courier.sendOnce(notice);
                    ok &= attempt.accepted();
                    said.add(notice.what() + ": " + attempt.describe());
                }
                results.add(new TestResult(route.sink().name(), courier.destination(), ok, String.join("; ", said)));
            }
        }
        return results;
    }

    /** What each sink's deliveries came to, in config order. */
    public List<DeliveryStats> stats() {
        return routes.stream().map(Route::stats).toList();
    }

    /** Stops the timer, and gives each destination a few seconds to send what waits. */
    @Override
    public void close() {
        timer.shutdownNow();
        List<Courier> all = routes.stream().flatMap(r -> r.couriers().stream()).toList();
        all.forEach(Courier::beginClose); // all at once: the grace is shared, not one per destination
        long deadline = System.nanoTime() + CLOSE_GRACE.toNanos();
        all.forEach(c -> c.close(Duration.ofNanos(Math.max(0, deadline - System.nanoTime()))));
    }
}
