package org.distributedtesting.recovery.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.distributedtesting.recovery.RecoveryOptions;

/**
 * Reads {@code recovery_options} onto {@link RecoveryOptions.Builder}. The builder stays the one place that knows
 * the allowed ranges: its {@link IllegalArgumentException} is translated to the config key and to seconds.
 *
 * <p>Stateless and thread-safe.
 */
final class RecoveryOptionsSection {

    static final String KEY = "recovery_options";

    /** Applies one JSON value to the builder, reading it with the type its option needs. */
    @FunctionalInterface
    private interface Setter {
        void apply(RecoveryOptions.Builder builder, ConfigReader reader, JsonNode value, String path);
    }

    /** @param key the config key; the builder and the record name it in camel case */
    private record Option(String key, Setter setter) {
        String field() {
            StringBuilder camel = new StringBuilder();
            for (String part : key.split("_")) {
                camel.append(camel.length() == 0 ? part : Character.toUpperCase(part.charAt(0)) + part.substring(1));
            }
            return camel.toString();
        }
    }

    private static final List<Option> OPTIONS = List.of(
            bool("auto_restart", RecoveryOptions.Builder::autoRestart),
            bool("backup_before_recovery", RecoveryOptions.Builder::backupBeforeRecovery),
            count("max_restart_attempts", RecoveryOptions.Builder::maxRestartAttempts),
            seconds("restart_cooldown", RecoveryOptions.Builder::restartCooldown),
            count("confirmations", RecoveryOptions.Builder::confirmations),
            seconds("probe_timeout", RecoveryOptions.Builder::probeTimeout),
            count("history_size", RecoveryOptions.Builder::historySize),
            seconds("node_cooldown", RecoveryOptions.Builder::nodeCooldown),
            seconds("backoff_initial", RecoveryOptions.Builder::backoffInitial),
            seconds("backoff_max", RecoveryOptions.Builder::backoffMax),
            seconds("verify_timeout", RecoveryOptions.Builder::verifyTimeout),
            seconds("verify_interval", RecoveryOptions.Builder::verifyInterval),
            count("action_budget", RecoveryOptions.Builder::actionBudget),
            seconds("action_budget_window", RecoveryOptions.Builder::actionBudgetWindow),
            seconds("quarantine_retry_after", RecoveryOptions.Builder::quarantineRetryAfter),
            seconds("maintenance_timeout", RecoveryOptions.Builder::maintenanceTimeout),
            bool("dry_run", RecoveryOptions.Builder::dryRun));

    private static final List<String> KEYS = OPTIONS.stream().map(Option::key).toList();

    private static final Map<String, String> KEY_BY_FIELD =
            OPTIONS.stream().collect(Collectors.toUnmodifiableMap(Option::field, Option::key));

    /** Any option's camel-case name, longest first so that {@code actionBudget} never matches a longer name. */
    private static final Pattern FIELD = Pattern.compile("\\b(" + KEY_BY_FIELD.keySet().stream()
            .sorted((a, b) -> b.length() - a.length())
            .collect(Collectors.joining("|")) + ")\\b");

    /** {@link Duration#toString()} output such as {@code PT0S}, {@code PT-1.5S}, {@code PT10M}. */
    private static final Pattern ISO_DURATION = Pattern.compile("PT(?:-?[0-9]+(?:\\.[0-9]+)?[HMS])+");

    private RecoveryOptionsSection() {
    }

    /** The config keys, in the order the seed format and the record list them. */
    static List<String> keys() {
        return KEYS;
    }

    /** The options in {@code value} (the {@code recovery_options} object), defaults for absent keys. */
    static RecoveryOptions read(ConfigReader reader, JsonNode value) {
        ObjectNode object = reader.object(value, KEY);
        reader.onlyKnownKeys(object, KEY, KEYS);
        RecoveryOptions.Builder builder = RecoveryOptions.builder();
        for (Option option : OPTIONS) {
            JsonNode optionValue = object.get(option.key());
            if (optionValue != null) {
                option.setter().apply(builder, reader, optionValue, ConfigReader.child(KEY, option.key()));
            }
        }
        try {
            return builder.build();
        } catch (IllegalArgumentException outOfRange) {
            throw translate(reader, object, outOfRange.getMessage());
        }
    }

    /**
     * Rewrites {@code "verifyTimeout must be > 0, but was PT0S"} as key path {@code recovery_options.verify_timeout}
     * and problem {@code "must be > 0, but was 0"}.
     */
    private static ConfigException translate(ConfigReader reader, ObjectNode object, String builderMessage) {
        String message = replaceAll(ISO_DURATION, builderMessage, iso -> seconds(Duration.parse(iso)));
        Matcher leading = FIELD.matcher(message);
        if (!leading.lookingAt()) {
            return reader.fail(KEY, replaceAll(FIELD, message, KEY_BY_FIELD::get));
        }
        String key = KEY_BY_FIELD.get(leading.group(1));
        String problem = replaceAll(FIELD, message.substring(leading.end()).strip(), KEY_BY_FIELD::get);
        if (!object.has(key)) {
            problem += " (" + key + " is not set, so its default applies)";
        }
        return reader.fail(ConfigReader.child(KEY, key), problem);
    }

    private static String replaceAll(Pattern pattern, String text, Function<String, String> replacement) {
        return pattern.matcher(text).replaceAll(m -> Matcher.quoteReplacement(replacement.apply(m.group())));
    }

    /** Seconds as the config file writes them: {@code 0}, {@code 0.5}, {@code 600}. */
    static String seconds(Duration duration) {
        return BigDecimal.valueOf(duration.getSeconds())
                .add(BigDecimal.valueOf(duration.getNano(), 9))
                .stripTrailingZeros()
                .toPlainString();
    }

    private static Option bool(String key, BiConsumer<RecoveryOptions.Builder, Boolean> set) {
        return new Option(key, (builder, reader, value, path) -> set.accept(builder, reader.bool(value, path)));
    }

    private static Option count(String key, BiConsumer<RecoveryOptions.Builder, Integer> set) {
        return new Option(key, (builder, reader, value, path) -> set.accept(builder, reader.wholeNumber(value, path)));
    }

    private static Option seconds(String key, BiConsumer<RecoveryOptions.Builder, Duration> set) {
        return new Option(key, (builder, reader, value, path) -> set.accept(builder, reader.seconds(value, path)));
    }
}
