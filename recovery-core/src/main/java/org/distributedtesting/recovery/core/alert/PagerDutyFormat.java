package org.distributedtesting.recovery.core.alert;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.RecoveryEvent;
import org.distributedtesting.recovery.Severity;
import org.distributedtesting.recovery.core.config.AlertsConfig.Events;

/**
 * PagerDuty's Events API v2: {@code trigger} when a recovery escalates (or, at the {@code failures} level, when a
 * failure is confirmed, and again with the escalation), with {@code dedup_key} the failure's id, the severity mapped
 * (low: info, medium: warning, high: error, critical: critical), and {@code custom_details} holding the evidence and
 * the rungs tried; {@code resolve} with the same key when the failure is verified recovered or cleared, or its nodes
 * are released. The routing key travels in the body only.
 */
final class PagerDutyFormat implements Format {

    /** How many rungs of one failure the details list, the latest. */
    static final int MAX_TRIED = 10;

    private final String routingKey;
    private final String cluster;
    private final Subscription subscription;
    /** Triggered incidents by failure id. */
    private final Map<String, Failure> triggered = new LinkedHashMap<>();
    private final Map<String, Deque<String>> tried = new HashMap<>();

    PagerDutyFormat(String routingKey, String cluster, Subscription subscription) {
        this.routingKey = routingKey;
        this.cluster = cluster;
        this.subscription = subscription;
    }

    @Override
    public synchronized List<Notice> onEvent(RecoveryEvent event) {
        switch (event.kind()) {
            case FAILURE_CONFIRMED -> {
                var e = (RecoveryEvent.FailureConfirmed) event;
                tried.remove(e.failure().key());
                if (subscription.level() != Events.ESCALATIONS && subscription.wants(event)) {
                    return trigger(e.failure(), e.at(), Texts.what(e.failure()) + ": "
                            + Texts.quote(e.failure().summary()), null);
                }
            }
            case RUNG_ATTEMPTED -> {
                var e = (RecoveryEvent.RungAttempted) event;
                Deque<String> list = tried.computeIfAbsent(e.failure().key(), k -> new ArrayDeque<>());
                list.addLast(e.at() + " " + e.rung() + " attempt " + e.attempt() + ": " + e.result().kind() + ", "
                        + Texts.quote(e.result().detail()));
                while (list.size() > MAX_TRIED) {
                    list.removeFirst();
                }
            }
            case ESCALATED -> {
                var e = (RecoveryEvent.Escalated) event;
                if (subscription.wants(event)) {
                    return trigger(e.failure(), e.at(), "ESCALATED " + Texts.what(e.failure()) + ": "
                            + Texts.quote(e.reason()), e.reason());
                }
            }
            case RECOVERY_VERIFIED, FAILURE_CLEARED -> {
                return resolve(Subscription.ended(event).orElseThrow());
            }
            case NODE_RELEASED -> {
                NodeId node = ((RecoveryEvent.NodeReleased) event).node();
                List<Notice> notices = new ArrayList<>();
                for (String key : List.copyOf(triggered.keySet())) {
                    if (triggered.get(key).affects(node)) {
                        notices.addAll(resolve(key));
                    }
                }
                return notices;
            }
            default -> {
                // nothing to page about
            }
        }
        return List.of();
    }

    private List<Notice> trigger(Failure failure, Instant at, String summary, String escalation) {
        triggered.put(failure.key(), failure);
        ObjectNode body = envelope("trigger", failure.key());
        ObjectNode payload = body.putObject("payload");
        payload.put("summary", summary.length() > 1024 ? summary.substring(0, 1021) + "..." : summary);
        payload.put("source", String.join(",", failure.nodes().stream().map(NodeId::value).toList()));
        payload.put("severity", severity(failure.severity()));
        payload.put("timestamp", at.toString());
        payload.put("component", failure.nodes().isEmpty() ? cluster : failure.nodes().get(0).value());
        payload.put("group", cluster);
        payload.put("class", failure.type().name());
        ObjectNode details = payload.putObject("custom_details");
        details.put("cluster", cluster);
        details.put("failure_id", failure.key());
        details.put("summary", Texts.quote(failure.summary()));
        details.set("evidence", Json.evidence(failure.evidence()));
        ArrayNode rungs = details.putArray("tried");
        tried.getOrDefault(failure.key(), new ArrayDeque<>()).forEach(rungs::add);
        if (escalation != null) {
            details.put("escalation", Texts.quote(escalation));
        }
        return List.of(new Notice("trigger " + failure.key(), Json.bytes(body)));
    }

    private List<Notice> resolve(String key) {
        if (triggered.remove(key) == null) {
            return List.of();
        }
        tried.remove(key);
        return List.of(new Notice("resolve " + key, Json.bytes(envelope("resolve", key))));
    }

    private ObjectNode envelope(String action, String dedupKey) {
        ObjectNode body = Json.object();
        body.put("routing_key", routingKey);
        body.put("event_action", action);
        body.put("dedup_key", dedupKey);
        body.put("client", "Coordinator Recovery");
        return body;
    }

    static String severity(Severity severity) {
        return switch (severity) {
            case LOW -> "info";
            case MEDIUM -> "warning";
            case HIGH -> "error";
            case CRITICAL -> "critical";
        };
    }

    @Override
    public List<Notice> test(Instant now) {
        String key = "coordinator-recovery-test:" + cluster;
        ObjectNode trigger = envelope("trigger", key);
        ObjectNode payload = trigger.putObject("payload");
        payload.put("summary", "A test notification from Coordinator Recovery for cluster " + cluster
                + " (--test-alerts); resolved at once");
        payload.put("source", cluster);
        payload.put("severity", "info");
        payload.put("timestamp", now.toString());
        return List.of(new Notice("test trigger", Json.bytes(trigger)),
                new Notice("test resolve", Json.bytes(envelope("resolve", key))));
    }
}
