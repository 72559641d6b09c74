package org.distributedtesting.recovery.core.alert;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.RecoveryEvent;
import org.distributedtesting.recovery.core.config.AlertsConfig.Events;

/**
 * Alertmanager's API v2 ({@code POST /api/v2/alerts}): an alert per open failure (or, at the {@code escalations}
 * level, per escalated one), labelled {@code alertname}, {@code cluster}, {@code node}, {@code failure_type},
 * {@code severity} and {@code failure_id}, annotated with the summary, the evidence and the rung in progress. Open
 * alerts are sent again every {@code resend_interval} with an {@code endsAt} four intervals ahead, as Prometheus
 * does, so that Alertmanager keeps them while the daemon lives and lets them lapse when it is gone; an alert ends
 * ({@code endsAt} now) when its failure is verified recovered or cleared, or its escalated nodes are released.
 */
final class AlertmanagerFormat implements Format {

    static final String FAILURE = "CoordinatorRecoveryFailure";
    static final String ESCALATED = "CoordinatorRecoveryEscalated";
    static final String TEST = "CoordinatorRecoveryTest";

    private final String cluster;
    private final Subscription subscription;
    private final Duration resendInterval;
    private final Clock clock;
    /** Open alerts by failure id. */
    private final Map<String, Open> open = new LinkedHashMap<>();

    private static final class Open {
        final Failure failure;
        final Instant startsAt;
        String alertname;
        String rung = "none yet";
        String escalated;

        Open(Failure failure, Instant startsAt, String alertname) {
            this.failure = failure;
            this.startsAt = startsAt;
            this.alertname = alertname;
        }
    }

    AlertmanagerFormat(String cluster, Subscription subscription, Duration resendInterval, Clock clock) {
        this.cluster = cluster;
        this.subscription = subscription;
        this.resendInterval = resendInterval;
        this.clock = clock;
    }

    @Override
    public synchronized List<Notice> onEvent(RecoveryEvent event) {
        boolean everyFailure = subscription.level() != Events.ESCALATIONS;
        switch (event.kind()) {
            case FAILURE_CONFIRMED -> {
                var e = (RecoveryEvent.FailureConfirmed) event;
                if (everyFailure && subscription.wants(event) && !open.containsKey(e.failure().key())) {
                    open.put(e.failure().key(), new Open(e.failure(), e.firstSeen(), FAILURE));
                    return send(e.failure().key(), false, "firing " + e.failure().key());
                }
            }
            case RUNG_ATTEMPTED -> {
                var e = (RecoveryEvent.RungAttempted) event;
                Open alert = open.get(e.failure().key());
                if (alert != null) {
                    alert.rung = e.rung() + " (attempt " + e.attempt() + "): " + e.result().kind().name()
                            .toLowerCase(Locale.ROOT) + ", " + Texts.quote(e.result().detail());
                    return send(e.failure().key(), false, "rung " + e.failure().key());
                }
            }
            case ESCALATED -> {
                var e = (RecoveryEvent.Escalated) event;
                if (!subscription.wants(event)) {
                    return List.of();
                }
                Open alert = open.computeIfAbsent(e.failure().key(), k -> new Open(e.failure(), e.at(), ESCALATED));
                alert.alertname = everyFailure ? alert.alertname : ESCALATED;
                alert.escalated = Texts.quote(e.reason());
                return send(e.failure().key(), false, "escalated " + e.failure().key());
            }
            case RECOVERY_VERIFIED, FAILURE_CLEARED -> {
                return resolve(Subscription.ended(event).orElseThrow());
            }
            case NODE_RELEASED -> {
                NodeId node = ((RecoveryEvent.NodeReleased) event).node();
                List<Notice> notices = new ArrayList<>();
                for (String key : List.copyOf(open.keySet())) {
                    Open alert = open.get(key);
                    if (alert.escalated != null && alert.failure.affects(node)) {
                        notices.addAll(resolve(key));
                    }
                }
                return notices;
            }
            default -> {
                // the other events change no alert
            }
        }
        return List.of();
    }

    private List<Notice> resolve(String key) {
        if (!open.containsKey(key)) {
            return List.of();
        }
        List<Notice> notice = send(key, true, "resolved " + key);
        open.remove(key);
        return notice;
    }

    private List<Notice> send(String key, boolean resolved, String what) {
        ArrayNode alerts = Json.MAPPER.createArrayNode();
        alerts.add(alert(open.get(key), resolved, clock.instant()));
        return List.of(new Notice(what, Json.bytes(alerts)));
    }

    @Override
    public synchronized List<Notice> resend(Instant now) {
        if (open.isEmpty()) {
            return List.of();
        }
        ArrayNode alerts = Json.MAPPER.createArrayNode();
        open.values().forEach(a -> alerts.add(alert(a, false, now)));
        return List.of(new Notice("resend " + open.size() + " open", Json.bytes(alerts)));
    }

    private ObjectNode alert(Open alert, boolean resolved, Instant now) {
        Failure f = alert.failure;
        ObjectNode json = Json.object();
        ObjectNode labels = json.putObject("labels");
        labels.put("alertname", alert.alertname);
        labels.put("cluster", cluster);
        labels.put("node", String.join(",", f.nodes().stream().map(NodeId::value).toList()));
        labels.put("failure_type", f.type().name());
        labels.put("severity", f.severity().name().toLowerCase(Locale.ROOT));
        labels.put("failure_id", f.key());
        ObjectNode annotations = json.putObject("annotations");
        annotations.put("summary", Texts.what(f) + ": " + Texts.quote(f.summary()));
        annotations.put("evidence", Json.evidence(f.evidence()).toString());
        annotations.put("rung", alert.rung);
        if (alert.escalated != null) {
            annotations.put("escalated", alert.escalated);
        }
        json.put("startsAt", alert.startsAt.toString());
        json.put("endsAt", (resolved ? now : now.plus(resendInterval.multipliedBy(4))).toString());
        return json;
    }

    @Override
    public List<Notice> test(Instant now) {
        ObjectNode alert = Json.object();
        ObjectNode labels = alert.putObject("labels");
        labels.put("alertname", TEST);
        labels.put("cluster", cluster);
        labels.put("severity", "info");
        alert.putObject("annotations").put("summary", "a test notification from Coordinator Recovery for cluster "
                + cluster + " (--test-alerts); it ends by itself in 5 minutes");
        alert.put("startsAt", now.toString());
        alert.put("endsAt", now.plus(Duration.ofMinutes(5)).toString());
        ArrayNode alerts = Json.MAPPER.createArrayNode();
        alerts.add(alert);
        return List.of(new Notice("test", Json.bytes(alerts)));
    }
}
