package org.distributedtesting.recovery.strategies.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped Prometheus alert rules ({@code docs/monitoring/coordinator-recovery.rules.yml}) load in promtool and
 * pass their unit tests ({@code coordinator-recovery.rules.test.yml}), which show every alert firing and not firing.
 * Needs promtool (Debian's {@code prometheus} package); without it these tests fail and say how to install it.
 */
class AlertRulesTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> SEVERITIES = Set.of("critical", "warning");

    @Test
    void promtoolChecksTheRulesAndFindsEveryOne() {
        Path rules = MonitoringFiles.rules();
        int count = PromQlMetricNames.ruleExpressions(rules).size();

        Promtool.Result result = Promtool.run("check", "rules", rules.toString());

        assertThat(result.succeeded()).as(result.describe()).isTrue();
        assertThat(count).as("rules in %s", rules).isPositive();
        assertThat(result.output()).as(result.describe()).contains("SUCCESS: " + count + " rules found");
    }

    @Test
    void theRulesPassTheirPromtoolUnitTests() {
        Promtool.Result result = Promtool.run("test", "rules", MonitoringFiles.rulesTest().toString());

        assertThat(result.succeeded()).as(result.describe()).isTrue();
        assertThat(result.output()).as(result.describe()).contains("SUCCESS");
    }

    @Test
    void everyAlertIsUnitTestedBothFiringAndNotFiring() throws IOException {
        Set<String> alerts = alerts(YAML.readTree(MonitoringFiles.rules().toFile()));
        Set<String> firing = new TreeSet<>();
        Set<String> quiet = new TreeSet<>();

        for (JsonNode test : YAML.readTree(MonitoringFiles.rulesTest().toFile()).path("tests")) {
            for (JsonNode check : test.path("alert_rule_test")) {
                String name = check.path("alertname").asText();
                (check.path("exp_alerts").isEmpty() ? quiet : firing).add(name);
            }
        }

        assertThat(alerts).isNotEmpty();
        assertThat(firing).as("alerts the unit tests show firing").containsAll(alerts);
        assertThat(quiet).as("alerts the unit tests show not firing").containsAll(alerts);
        assertThat(alerts).as("every alert the unit tests name exists").containsAll(firing).containsAll(quiet);
    }

    @Test
    void everyAlertHasASeverityASummaryAndADescription() throws IOException {
        List<String> problems = new ArrayList<>();

        for (JsonNode group : YAML.readTree(MonitoringFiles.rules().toFile()).path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                String alert = rule.path("alert").asText();
                if (!SEVERITIES.contains(rule.path("labels").path("severity").asText())) {
                    problems.add(alert + ": severity must be one of " + SEVERITIES);
                }
                for (String annotation : List.of("summary", "description")) {
                    if (rule.path("annotations").path(annotation).asText().isBlank()) {
                        problems.add(alert + ": no " + annotation);
                    }
                }
            }
        }

        assertThat(problems).isEmpty();
    }

    @Test
    void promtoolFailsABrokenRuleAndAnAlertThatDoesNotFireAsExpected(@TempDir Path dir) throws IOException {
        Path broken = Files.writeString(dir.resolve("broken.rules.yml"), """
                groups:
                  - name: broken
                    rules:
                      - alert: Broken
                        expr: rate(coordinator_recovery_cycles_total[5m] == 0
                """);
        Files.copy(MonitoringFiles.rules(), dir.resolve(MonitoringFiles.RULES));
        String alert = alerts(YAML.readTree(MonitoringFiles.rules().toFile())).iterator().next();
        Path wrongExpectation = Files.writeString(dir.resolve("wrong.test.yml"), """
                rule_files: [%s]
                tests:
                  - interval: 1m
                    input_series: []
                    alert_rule_test:
                      - eval_time: 1m
                        alertname: %s
                        exp_alerts:
                          - exp_labels: {severity: never}
                """.formatted(MonitoringFiles.RULES, alert));

        Promtool.Result check = Promtool.run("check", "rules", broken.toString());
        Promtool.Result test = Promtool.run("test", "rules", wrongExpectation.toString());

        assertThat(check.succeeded()).as(check.describe()).isFalse();
        assertThat(check.output()).as(check.describe()).contains("unclosed left parenthesis");
        assertThat(test.succeeded()).as(test.describe()).isFalse();
        assertThat(test.output()).as(test.describe()).contains("FAILED", alert);
    }

    private static Set<String> alerts(JsonNode rules) {
        Set<String> alerts = new TreeSet<>();
        for (JsonNode group : rules.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                if (rule.has("alert")) {
                    alerts.add(rule.path("alert").asText());
                }
            }
        }
        return alerts;
    }
}
