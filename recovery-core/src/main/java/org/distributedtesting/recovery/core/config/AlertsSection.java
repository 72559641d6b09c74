package org.distributedtesting.recovery.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.distributedtesting.recovery.Severity;
import org.distributedtesting.recovery.core.config.AlertsConfig.Events;
import org.distributedtesting.recovery.core.config.AlertsConfig.SecretSource;
import org.distributedtesting.recovery.core.config.AlertsConfig.Sink;
import org.distributedtesting.recovery.core.config.AlertsConfig.SinkType;

/**
 * Reads {@code alerts}: {@code {"cluster": "prod", "sinks": [{"type": "slack", "url_env": "SLACK_WEBHOOK_URL"}, ...]}}.
 * A URL that holds a credential (Slack's, Teams') and every key or secret must come from a file or an environment
 * variable ({@code *_file}, {@code *_env}), never inline, so that the config can be shared and logged.
 *
 * <p>Stateless and thread-safe.
 */
final class AlertsSection {

    static final String KEY = "alerts";
    static final String PAGERDUTY_ENDPOINT = "https://events.pagerduty.com/v2/enqueue";

    private static final List<String> SECTION_KEYS = List.of("cluster", "sinks");
    private static final List<String> COMMON = List.of("type", "name", "events", "min_severity", "timeout",
            "queue_size", "max_attempts");
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration DEFAULT_RESEND = Duration.ofSeconds(60);
    private static final int DEFAULT_QUEUE = 1000;
    private static final int DEFAULT_ATTEMPTS = 5;

    private AlertsSection() {
    }

    static AlertsConfig read(ConfigReader reader, JsonNode value, Path baseDir, String defaultCluster) {
        ObjectNode section = reader.object(value, KEY);
        reader.onlyKnownKeys(section, KEY, SECTION_KEYS);
        String cluster = ConfigReader.optional(section, "cluster")
                .map(v -> reader.nonBlankString(v, ConfigReader.child(KEY, "cluster"))).orElse(defaultCluster);
        String sinksPath = ConfigReader.child(KEY, "sinks");
        ArrayNode array = reader.array(reader.required(section, KEY, "sinks"), sinksPath);
        List<Sink> sinks = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < array.size(); i++) {
            String path = ConfigReader.element(sinksPath, i);
            Sink sink = sink(reader, array.get(i), path, baseDir, i);
            if (!names.add(sink.name())) {
                throw reader.fail(path, "has the name " + ConfigReader.quote(sink.name()) + " of another sink; give"
                        + " each sink its own \"name\"");
            }
            sinks.add(sink);
        }
        return new AlertsConfig(cluster, sinks);
    }

    private static Sink sink(ConfigReader reader, JsonNode value, String path, Path baseDir, int index) {
        ObjectNode object = reader.object(value, path);
        String typeName = reader.nonBlankString(reader.required(object, path, "type"), ConfigReader.child(path, "type"));
        SinkType type = Arrays.stream(SinkType.values()).filter(t -> t.configName().equals(typeName)).findFirst()
                .orElseThrow(() -> reader.fail(ConfigReader.child(path, "type"), "unknown sink type "
                        + ConfigReader.quote(typeName) + "; " + KeySuggestion.hint(typeName, typeNames())));
        List<String> known = new ArrayList<>(COMMON);
        known.addAll(switch (type) {
            case ALERTMANAGER -> List.of("urls", "resend_interval");
            case PAGERDUTY -> List.of("routing_key_file", "routing_key_env", "url");
            case SLACK, TEAMS -> List.of("url_file", "url_env");
            case WEBHOOK -> List.of("url", "url_file", "url_env", "secret_file", "secret_env");
        });
        if (type != SinkType.ALERTMANAGER && object.has("urls")) {
            throw reader.fail(ConfigReader.child(path, "urls"), "is for alertmanager sinks; a " + type.configName()
                    + " sink sends to one URL");
        }
        if ((type == SinkType.SLACK || type == SinkType.TEAMS) && object.has("url")) {
            throw reader.fail(ConfigReader.child(path, "url"), "must not be inline: a " + type.configName()
                    + " webhook URL holds its credential; give url_file or url_env");
        }
        reader.onlyKnownKeys(object, path, known);
        String name = ConfigReader.optional(object, "name").map(v -> reader.nonBlankString(v,
                ConfigReader.child(path, "name"))).orElse(type.configName());
        if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
            throw reader.fail(ConfigReader.child(path, "name"), "must be 1 to 64 letters, digits, '.', '_' or '-'"
                    + " (it becomes a metric label), but was " + ConfigReader.quote(name));
        }
        Events events = ConfigReader.optional(object, "events").map(v -> events(reader, v,
                ConfigReader.child(path, "events"))).orElse(type == SinkType.PAGERDUTY ? Events.ESCALATIONS
                : Events.FAILURES);
        Severity minSeverity = ConfigReader.optional(object, "min_severity").map(v -> severity(reader, v,
                ConfigReader.child(path, "min_severity"))).orElse(Severity.LOW);
        Duration timeout = positiveSeconds(reader, object, path, "timeout", DEFAULT_TIMEOUT);
        int queue = ConfigReader.optional(object, "queue_size").map(v -> reader.wholeNumberIn(v,
                ConfigReader.child(path, "queue_size"), 1, 100_000)).orElse(DEFAULT_QUEUE);
        int attempts = ConfigReader.optional(object, "max_attempts").map(v -> reader.wholeNumberIn(v,
                ConfigReader.child(path, "max_attempts"), 1, 100)).orElse(DEFAULT_ATTEMPTS);
        Duration resend = positiveSeconds(reader, object, path, "resend_interval", DEFAULT_RESEND);
        List<URI> urls = new ArrayList<>();
        Optional<SecretSource> urlSecret = Optional.empty();
        Optional<SecretSource> secret = Optional.empty();
        switch (type) {
            case ALERTMANAGER -> {
                String key = ConfigReader.child(path, "urls");
                List<String> given = reader.strings(reader.required(object, path, "urls"), key);
                if (given.isEmpty()) {
                    throw reader.fail(key, "must name at least one Alertmanager, such as \"http://127.0.0.1:9093\"");
                }
                for (int i = 0; i < given.size(); i++) {
                    urls.add(url(reader, given.get(i), ConfigReader.element(key, i)));
                }
            }
            case PAGERDUTY -> {
                urls.add(ConfigReader.optional(object, "url").map(v -> url(reader, reader.string(v,
                        ConfigReader.child(path, "url")), ConfigReader.child(path, "url")))
                        .orElse(URI.create(PAGERDUTY_ENDPOINT)));
                secret = Optional.of(secretSource(reader, object, path, "routing_key", baseDir));
            }
            case SLACK, TEAMS -> urlSecret = Optional.of(secretSource(reader, object, path, "url", baseDir));
            case WEBHOOK -> {
                if (object.has("url")) {
                    if (object.has("url_file") || object.has("url_env")) {
                        throw reader.fail(ConfigReader.child(path, "url"), "is given twice: inline and in url_file"
                                + " or url_env; keep one");
                    }
                    urls.add(url(reader, reader.string(object.get("url"), ConfigReader.child(path, "url")),
                            ConfigReader.child(path, "url")));
                } else {
                    urlSecret = Optional.of(secretSource(reader, object, path, "url", baseDir));
                }
                secret = Optional.of(secretSource(reader, object, path, "secret", baseDir));
            }
        }
        return new Sink(name, type, events, minSeverity, urls, urlSecret, secret, timeout, queue, attempts, resend);
    }

    private static List<String> typeNames() {
        return Arrays.stream(SinkType.values()).map(SinkType::configName).toList();
    }

    private static Events events(ConfigReader reader, JsonNode value, String path) {
        String text = reader.string(value, path);
        return Arrays.stream(Events.values()).filter(e -> e.configName().equals(text)).findFirst()
                .orElseThrow(() -> reader.fail(path, "must be escalations, failures or actions, but was "
                        + ConfigReader.quote(text)));
    }

    private static Severity severity(ConfigReader reader, JsonNode value, String path) {
        String text = reader.string(value, path);
        return Arrays.stream(Severity.values()).filter(s -> s.name().equals(text.toUpperCase(Locale.ROOT)))
                .findFirst().orElseThrow(() -> reader.fail(path, "must be low, medium, high or critical, but was "
                        + ConfigReader.quote(text)));
    }

    private static Duration positiveSeconds(ConfigReader reader, ObjectNode object, String path, String key,
                                            Duration otherwise) {
        String keyPath = ConfigReader.child(path, key);
        Duration d = ConfigReader.optional(object, key).map(v -> reader.seconds(v, keyPath)).orElse(otherwise);
        if (d.isZero()) {
            throw reader.fail(keyPath, "must be a number of seconds > 0, but was 0");
        }
        return d;
    }

    /** An http or https URL with a host; shown in messages only when it is not secret, which an inline one is not. */
    private static URI url(ConfigReader reader, String text, String path) {
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
                throw reader.fail(path, "must be an http:// or https:// URL with a host, but was "
                        + ConfigReader.quote(text));
            }
            return uri;
        } catch (URISyntaxException e) {
            throw reader.fail(path, "must be an http:// or https:// URL, but was " + ConfigReader.quote(text));
        }
    }

    /** {@code <base>_file} or {@code <base>_env}: exactly one. */
    private static SecretSource secretSource(ConfigReader reader, ObjectNode object, String path, String base,
                                             Path baseDir) {
        String fileKey = base + "_file";
        String envKey = base + "_env";
        boolean file = object.has(fileKey);
        boolean env = object.has(envKey);
        if (file && env) {
            throw reader.fail(ConfigReader.child(path, envKey), "and " + fileKey + " are both given; keep one");
        }
        if (!file && !env) {
            throw reader.fail(path, "needs " + fileKey + " or " + envKey + " (a file or an environment variable"
                    + " holding the " + base.replace('_', ' ') + "; never inline)");
        }
        if (file) {
            String key = ConfigReader.child(path, fileKey);
            Path resolved = PathResolver.resolve(reader, baseDir, reader.nonBlankString(object.get(fileKey), key), key);
            return new SecretSource(key, Optional.of(resolved), Optional.empty());
        }
        String key = ConfigReader.child(path, envKey);
        String name = reader.nonBlankString(object.get(envKey), key);
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw reader.fail(key, "must be the name of an environment variable (letters, digits and '_', not"
                    + " starting with a digit), but was " + ConfigReader.quote(name));
        }
        return new SecretSource(key, Optional.empty(), Optional.of(name));
    }
}
