package org.distributedtesting.recovery.core.alert;

import java.util.Map;
import java.util.Objects;

/**
 * One notification ready to send: a JSON body and its extra headers, and what it is about in a few words for logs
 * (never a URL or a secret).
 *
 * @param what    what it is about, such as {@code trigger process_crash:node-2}
 * @param body    the JSON body
 * @param headers headers besides {@code Content-Type: application/json}
 */
record Notice(String what, byte[] body, Map<String, String> headers) {

    Notice {
        Objects.requireNonNull(what, "what");
        Objects.requireNonNull(body, "body");
        headers = Map.copyOf(headers);
    }

    Notice(String what, byte[] body) {
        this(what, body, Map.of());
    }
}
