package org.distributedtesting.recovery.core.alert;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.RecoveryEvent;

/**
 * A readable message per event for people in a chat: Slack's incoming webhook ({@code text}, the fallback Slack
 * requires, and a section block in mrkdwn with its {@code &}, {@code <} and {@code >} escaped), or a Microsoft Teams
 * Workflows webhook (a message with one Adaptive Card: a title, the cluster, the nodes, the failure and its severity
 * as facts, and what happened).
 */
final class ChatFormat implements Format {

    /** Which chat. */
    enum Chat { SLACK, TEAMS }

    private final Chat chat;
    private final String cluster;
    private final Subscription subscription;

    ChatFormat(Chat chat, String cluster, Subscription subscription) {
        this.chat = chat;
        this.cluster = cluster;
        this.subscription = subscription;
    }

    @Override
    public List<Notice> onEvent(RecoveryEvent event) {
        if (!subscription.wants(event)) {
            return List.of();
        }
        return Texts.of(event).map(text -> List.of(new Notice(event.kind().name().toLowerCase(Locale.ROOT),
                body(text, Subscription.failure(event))))).orElse(List.of());
    }

    private byte[] body(Texts.Text text, Optional<Failure> failure) {
        return chat == Chat.SLACK ? slack(text) : teams(text, failure);
    }

    private byte[] slack(Texts.Text text) {
        ObjectNode body = Json.object();
        body.put("text", "[" + cluster + "] " + text.title() + ": " + text.body());
        ArrayNode blocks = body.putArray("blocks");
        ObjectNode section = blocks.addObject();
        section.put("type", "section");
        section.putObject("text").put("type", "mrkdwn").put("text", "*" + mrkdwn("[" + cluster + "] " + text.title())
                + "*\n" + mrkdwn(text.body()));
        return Json.bytes(body);
    }

    /** Slack's mrkdwn treats these three as control characters. */
    static String mrkdwn(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private byte[] teams(Texts.Text text, Optional<Failure> failure) {
        ObjectNode body = Json.object();
        body.put("type", "message");
        ObjectNode attachment = body.putArray("attachments").addObject();
        attachment.put("contentType", "application/vnd.microsoft.card.adaptive");
        attachment.putNull("contentUrl");
        ObjectNode card = attachment.putObject("content");
        card.put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
        card.put("type", "AdaptiveCard");
        card.put("version", "1.4");
        ArrayNode items = card.putArray("body");
        items.addObject().put("type", "TextBlock").put("text", text.title()).put("weight", "Bolder")
                .put("size", "Medium").put("wrap", true);
        ObjectNode facts = items.addObject().put("type", "FactSet");
        ArrayNode list = facts.putArray("facts");
        list.addObject().put("title", "Cluster").put("value", cluster);
        failure.ifPresent(f -> {
            list.addObject().put("title", "Nodes").put("value", Texts.names(f.nodes()));
            list.addObject().put("title", "Failure").put("value", f.type().name());
            list.addObject().put("title", "Severity").put("value", f.severity().name().toLowerCase(Locale.ROOT));
        });
        items.addObject().put("type", "TextBlock").put("text", text.body()).put("wrap", true);
        return Json.bytes(body);
    }

    @Override
    public List<Notice> test(Instant now) {
        Texts.Text text = new Texts.Text("Test notification", "a test from Coordinator Recovery (--test-alerts) at "
                + now + ": this sink is wired");
        return List.of(new Notice("test", body(text, Optional.empty())));
    }
}
