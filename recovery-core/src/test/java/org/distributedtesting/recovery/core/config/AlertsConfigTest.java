package org.distributedtesting.recovery.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.distributedtesting.recovery.Severity;
import org.distributedtesting.recovery.core.config.AlertsConfig.Events;
import org.distributedtesting.recovery.core.config.AlertsConfig.Sink;
import org.distributedtesting.recovery.core.config.AlertsConfig.SinkType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The {@code alerts} section: every sink type, its defaults, and a clear error for each mistake. */
class AlertsConfigTest {

    @TempDir
    Path dir;

    @Test
    void everySinkTypeWithItsDefaults() {
        AlertsConfig alerts = parse("{'cluster': 'prod', 'sinks': ["
                + "{'type': 'alertmanager', 'urls': ['http://am1:9093', 'http://am2:9093']},"
                + "{'type': 'pagerduty', 'routing_key_env': 'PD_KEY'},"
                + "{'type': 'slack', 'url_file': 'secrets/slack'},"
                + "{'type': 'teams', 'name': 'ops-teams', 'url_env': 'TEAMS_URL', 'events': 'actions',"
                + " 'min_severity': 'high', 'timeout': 3, 'queue_size': 50, 'max_attempts': 2},"
                + "{'type': 'webhook', 'url': 'https://hooks.example.com/recovery', 'secret_env': 'HOOK_SECRET'}]}");

        assertThat(alerts.cluster()).isEqualTo("prod");
        assertThat(alerts.sinks()).extracting(Sink::name).containsExactly("alertmanager", "pagerduty", "slack",
                "ops-teams", "webhook");
        Sink am = alerts.sinks().get(0);
        assertThat(am.urls()).hasSize(2);
        assertThat(am.events()).isEqualTo(Events.FAILURES);
        assertThat(am.resendInterval()).hasSeconds(60);
        Sink pd = alerts.sinks().get(1);
        assertThat(pd.events()).as("PagerDuty pages on escalations by default").isEqualTo(Events.ESCALATIONS);
        assertThat(pd.urls()).extracting(Object::toString).containsExactly("https://events.pagerduty.com/v2/enqueue");
        assertThat(pd.secret().orElseThrow().env()).contains("PD_KEY");
        assertThat(alerts.sinks().get(2).urlSecret().orElseThrow().file()).contains(dir.resolve("secrets/slack"));
        Sink teams = alerts.sinks().get(3);
        assertThat(teams.type()).isEqualTo(SinkType.TEAMS);
        assertThat(teams.minSeverity()).isEqualTo(Severity.HIGH);
        assertThat(teams.timeout()).hasSeconds(3);
        assertThat(teams.queueSize()).isEqualTo(50);
        assertThat(teams.maxAttempts()).isEqualTo(2);
    }

    @Test
    void theClusterDefaultsToTheConfigFilesName() throws Exception {
        Path file = Files.writeString(dir.resolve("coordinators-eu.json"), BadConfigTest.json(
                "{'nodes': [{'id': 'n', 'host': 'h', 'port': 1, 'data_dir': 'd'}], 'recovery_dir': 'r',"
                        + " 'alerts': {'sinks': [{'type': 'alertmanager', 'urls': ['http://am:9093']}]}}"));

        assertThat(ConfigLoader.load(file).alerts().orElseThrow().cluster()).isEqualTo("coordinators-eu");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "{'type': 'slack', 'url': 'https://hooks.slack.com/services/T/B/x'} | alerts.sinks[0].url"
                    + " | holds its credential; give url_file or url_env",
            "{'type': 'slack'} | alerts.sinks[0] | needs url_file or url_env",
            "{'type': 'pagerduty', 'routing_key_env': 'A', 'routing_key_file': 'b'} | alerts.sinks[0].routing_key_env"
                    + " | are both given",
            "{'type': 'webhook', 'url': 'https://x.example'} | alerts.sinks[0] | needs secret_file or secret_env",
            "{'type': 'webhook', 'url': 'ftp://x.example', 'secret_env': 'S'} | alerts.sinks[0].url"
                    + " | must be an http:// or https:// URL",
            "{'type': 'alertmanger', 'urls': []} | alerts.sinks[0].type | did you mean 'alertmanager'",
            "{'type': 'alertmanager', 'urls': []} | alerts.sinks[0].urls | at least one Alertmanager",
            "{'type': 'alertmanager', 'urls': ['http://am'], 'events': 'all'} | alerts.sinks[0].events"
                    + " | escalations, failures or actions",
            "{'type': 'alertmanager', 'urls': ['http://am'], 'min_severity': 'urgent'} | alerts.sinks[0].min_severity"
                    + " | low, medium, high or critical",
            "{'type': 'alertmanager', 'urls': ['http://am'], 'routing_key_env': 'X'} | alerts.sinks[0].routing_key_env"
                    + " | unknown key",
            "{'type': 'alertmanager', 'urls': ['http://am'], 'timeout': 0} | alerts.sinks[0].timeout | > 0",
            "{'type': 'teams', 'url_env': '1BAD'} | alerts.sinks[0].url_env | name of an environment variable",
            "{'type': 'alertmanager', 'urls': ['http://am'], 'name': 'a b'} | alerts.sinks[0].name | 1 to 64"})
    void aBadSinkIsAConfigErrorNamingTheKey(String sink, String key, String problem) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse("{'sinks': [" + sink + "]}"));

        assertThat(e).as(sink).isNotNull();
        assertThat(e.keyPath()).isEqualTo(key);
        assertThat(e.getMessage()).contains(problem).doesNotContain("hooks.slack.com");
    }

    @Test
    void twoSinksOfOneNameAreAnError() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse("{'sinks': ["
                + "{'type': 'alertmanager', 'urls': ['http://a']}, {'type': 'alertmanager', 'urls': ['http://b']}]}"));

        assertThat(e.keyPath()).isEqualTo("alerts.sinks[1]");
        assertThat(e.getMessage()).contains("give each sink its own \"name\"");
    }

    @Test
    void aSecretIsReadFromItsFileOrVariableAndNeverShown() throws Exception {
        Path secrets = Files.createDirectories(dir.resolve("secrets"));
        Files.writeString(secrets.resolve("slack"), "https://hooks.slack.com/services/T/B/xyz\n");
        AlertsConfig alerts = parse("{'sinks': [{'type': 'slack', 'url_file': 'secrets/slack'},"
                + " {'type': 'teams', 'url_env': 'TEAMS_URL'}]}");
        Path config = dir.resolve("cluster.json");

        assertThat(Secrets.read(alerts.sinks().get(0).urlSecret().orElseThrow(), Map.of(), config))
                .isEqualTo("https://hooks.slack.com/services/T/B/xyz");
        ConfigException unset = catchThrowableOfType(ConfigException.class, () -> Secrets.read(
                alerts.sinks().get(1).urlSecret().orElseThrow(), Map.of(), config));
        assertThat(unset.getMessage()).endsWith("alerts.sinks[1].url_env: environment variable TEAMS_URL is not set");
        ConfigException broken = catchThrowableOfType(ConfigException.class, () -> Secrets.read(
                alerts.sinks().get(1).urlSecret().orElseThrow(), Map.of("TEAMS_URL", "https://x/a\nb"), config));
        assertThat(broken.getMessage()).contains("holds a control character").doesNotContain("https://x");
        assertThat(alerts.toString()).doesNotContain("hooks.slack.com");
    }

    private AlertsConfig parse(String alerts) {
        return ConfigLoader.parse(BadConfigTest.json("{'nodes': [{'id': 'n', 'host': 'h', 'port': 1,"
                + " 'data_dir': 'd'}], 'recovery_dir': 'r', 'alerts': " + alerts + "}"), dir).alerts().orElseThrow();
    }
}
