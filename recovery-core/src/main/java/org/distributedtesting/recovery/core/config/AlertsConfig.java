package org.distributedtesting.recovery.core.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.distributedtesting.recovery.Severity;

/**
 * The config's {@code alerts} section: where the daemon sends notifications.
 *
 * @param cluster the cluster's name in every notification (config: {@code alerts.cluster}; default: the config file's
 *                name without its extension)
 * @param sinks   the sinks, in file order; names unique
 */
public record AlertsConfig(String cluster, List<Sink> sinks) {

    /** @throws NullPointerException if an argument is null */
    public AlertsConfig {
        Objects.requireNonNull(cluster, "cluster");
        sinks = List.copyOf(sinks);
    }

    /** The kinds of sink. */
    public enum SinkType {
        /** Alertmanager's API v2: an alert per open failure, re-sent while open, resolved when it ends. */
        ALERTMANAGER,
        /** PagerDuty's Events API v2: trigger and resolve by the failure's id. */
        PAGERDUTY,
        /** A Slack incoming webhook: a message per event. */
        SLACK,
        /** A Microsoft Teams Workflows webhook: an Adaptive Card per event. */
        TEAMS,
        /** Any HTTP receiver: the journal record as JSON, signed with HMAC-SHA256. */
        WEBHOOK;

        /** The name in the config. */
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Which events a sink is told of; each level includes the ones before it. */
    public enum Events {
        /** Escalations (a recovery given up, nodes quarantined) and their end (release, recovery). */
        ESCALATIONS,
        /** And every confirmed failure, its recovery or clearing. */
        FAILURES,
        /** And every action and failed rung. */
        ACTIONS;

        /** The name in the config. */
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Where a secret comes from: a file (relative to the config file) or an environment variable, read when the
     * daemon starts. The secret itself is never part of the configuration, a message or a log line.
     *
     * @param key  the key path that names it, for messages, such as {@code alerts.sinks[0].url_env}
     * @param file the file, if it comes from one
     * @param env  the environment variable, if it comes from one
     */
    public record SecretSource(String key, Optional<java.nio.file.Path> file, Optional<String> env) {
        /** @throws IllegalArgumentException unless exactly one of file and env is given */
        public SecretSource {
            Objects.requireNonNull(key, "key");
            if (file.isPresent() == env.isPresent()) {
                throw new IllegalArgumentException("a secret comes from a file or an environment variable: " + key);
            }
        }
    }

    /**
     * One sink.
     *
     * @param name           its name in logs, meters and journal records (config: {@code name}; default: its type,
     *                       then the type and its position)
     * @param type           the kind of sink
     * @param events         which events it is told of
     * @param minSeverity    failures below this severity are not sent
     * @param urls           where it sends, when the URLs are not secret (Alertmanager's base URLs, a webhook's URL,
     *                       PagerDuty's endpoint); empty when {@code urlSecret} gives the one URL
     * @param urlSecret      where the one URL comes from when it holds a credential (Slack, Teams; a webhook's may)
     * @param secret         the PagerDuty routing key, or the webhook's HMAC secret
     * @param timeout        how long one delivery may take
     * @param queueSize      how many deliveries may wait per destination before new ones are dropped
     * @param maxAttempts    attempts per delivery, the first included, before it is given up
     * @param resendInterval how often Alertmanager is sent the alerts still open
     */
    public record Sink(String name, SinkType type, Events events, Severity minSeverity, List<URI> urls,
                       Optional<SecretSource> urlSecret, Optional<SecretSource> secret, Duration timeout, int queueSize,
                       int maxAttempts, Duration resendInterval) {
        /** @throws NullPointerException if an argument is null */
        public Sink {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(events, "events");
            Objects.requireNonNull(minSeverity, "minSeverity");
            urls = List.copyOf(urls);
            Objects.requireNonNull(urlSecret, "urlSecret");
            Objects.requireNonNull(secret, "secret");
            Objects.requireNonNull(timeout, "timeout");
            Objects.requireNonNull(resendInterval, "resendInterval");
        }
    }
}
