package org.distributedtesting.recovery.core.alert;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.distributedtesting.recovery.JournalRecord;
import org.distributedtesting.recovery.RecoveryEvent;
import org.distributedtesting.recovery.core.journal.JournalRecords;

/**
 * Any HTTP receiver: the event's journal record as JSON (the journal's own bytes), signed with HMAC-SHA256 over the
 * body with the shared secret: {@value #SIGNATURE_HEADER}: {@code sha256=<hex>}. A receiver computes the same over
 * the bytes it got and compares in constant time. {@value #DELIVERY_HEADER} is a unique id per notification, the same
 * across its retries, so that a receiver can drop a duplicate.
 */
final class WebhookFormat implements Format {

    /** The signature header. */
    static final String SIGNATURE_HEADER = "X-Recovery-Signature";
    /** The delivery id header. */
    static final String DELIVERY_HEADER = "X-Recovery-Delivery";
    /** The record's action. */
    static final String EVENT_HEADER = "X-Recovery-Event";

    private final byte[] secret;
    private final Subscription subscription;

    WebhookFormat(String secret, Subscription subscription) {
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.subscription = subscription;
    }

    @Override
    public List<Notice> onEvent(RecoveryEvent event) {
        if (!subscription.wants(event)) {
            return List.of();
        }
        return JournalRecords.of(event).map(this::notice).map(List::of).orElse(List.of());
    }

    private Notice notice(JournalRecord record) {
        byte[] body = JournalRecords.json(record);
        return new Notice(record.action(), body, Map.of(SIGNATURE_HEADER, "sha256=" + sign(secret, body),
                DELIVERY_HEADER, UUID.randomUUID().toString(), EVENT_HEADER, record.action()));
    }

    /** HMAC-SHA256 of {@code body} with {@code key}, in lower-case hex. */
    static String sign(byte[] key, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    @Override
    public List<Notice> test(Instant now) {
        return List.of(notice(new JournalRecord(now, "alert_test", Map.of("detail",
                "a test notification from Coordinator Recovery (--test-alerts)"))));
    }
}
