package org.distributedtesting.recovery.strategies.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.distributedtesting.recovery.strategies.monitor.PromQlMetricNames.Expression;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The metric-name extractor on tricky expressions, and the collectors on small files of each shape. */
class PromQlMetricNamesTest {

    @TempDir
    Path dir;

    @Test
    void aBareSelectorIsItsName() {
        assertThat(PromQlMetricNames.of("coordinator_recovery_quarantined_nodes > 0"))
                .containsExactly("coordinator_recovery_quarantined_nodes");
    }

    @Test
    void functionsAndAggregationsAreNotNamesButTheirArgumentsAre() {
        assertThat(PromQlMetricNames.of(
                "histogram_quantile(0.9, sum by (type, le) (rate(ttr_bucket{type=~\"$type\"}[5m])))"))
                .containsExactly("ttr_bucket");
        assertThat(PromQlMetricNames.of("SUM BY (job) (x) / Count Without (a, b) (y)")).containsExactly("x", "y");
        assertThat(PromQlMetricNames.of("topk(3, sum(x) by (node))")).containsExactly("x");
        assertThat(PromQlMetricNames.of("absent(up{job=\"coordinator-recovery\"})")).containsExactly("up");
    }

    @Test
    void labelMatchersAndTheirValuesAreNotNamesEvenWithBracesKeywordsAndQuotesInside() {
        assertThat(PromQlMetricNames.of(
                "a{job=\"x}y\", le!='and{', msg=~`or\\\"[5m]`, b=\"sum(c)\"} unless on(le) d{e=\"f\\\"g\"}"))
                .containsExactly("a", "d");
    }

    @Test
    void labelListsOfMatchingAndGroupingAreNotNames() {
        assertThat(PromQlMetricNames.of(
                "age > ignoring(type) group_left timeout and on (job, instance) group_right(node) other"
                        + " or without_label"))
                .containsExactly("age", "other", "timeout", "without_label");
    }

    @Test
    void rangesSubqueriesOffsetsNumbersAndDurationsAreNotNames() {
        assertThat(PromQlMetricNames.of(
                "max_over_time(rate(x[5m])[1h30m:1m] offset -1h30m) + y @ 1609746000 - z @ start()"
                        + " > bool 1e-3 * 0x1F + .5 + Inf - NaN + 1.5E+3"))
                .containsExactly("x", "y", "z");
    }

    @Test
    void atan2AndTheSetOperatorsAreNotNames() {
        assertThat(PromQlMetricNames.of("a atan2 b and c or d unless e")).containsExactly("a", "b", "c", "d", "e");
    }

    @Test
    void recordingRuleNamesWithColonsAreNames() {
        assertThat(PromQlMetricNames.of("job:requests:rate5m / on(job) group_left instance:x:sum"))
                .containsExactly("instance:x:sum", "job:requests:rate5m");
    }

    @Test
    void anEqualityMatcherOnNameNamesAMetricAndARegexOneDoesNot() {
        assertThat(PromQlMetricNames.of("{__name__=\"named\", job=\"a\"} + {__name__=~\"coordinator_.*\"}"))
                .containsExactly("named");
    }

    @Test
    void stringArgumentsAndCommentsAreNotNames() {
        assertThat(PromQlMetricNames.of("""
                label_replace(x, "dst", "$1", "src", "(.*)") # rate(not_a_metric[5m])
                  + count_values("le", y) # 'unterminated in a comment
                """)).containsExactly("x", "y");
    }

    @Test
    void grafanaVariablesAreNotNames() {
        assertThat(PromQlMetricNames.of(
                "increase(x{instance=~\"$instance\", node=~\"${node:regex}\"}[$__rate_interval]) * $factor"))
                .containsExactly("x");
    }

    @Test
    void anUnterminatedStringOrUnbalancedBracesAreRefusedRatherThanGuessed() {
        assertThatThrownBy(() -> PromQlMetricNames.of("x{job=\"a}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unterminated string");
        assertThatThrownBy(() -> PromQlMetricNames.of("rate(x[5m)"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unbalanced");
    }

    @Test
    void aScrapeExposesItsSampleNamesNotItsCommentsOrLabels() {
        String scrape = """
                # HELP h_seconds a histogram, with a { in its help
                # TYPE h_seconds histogram
                h_seconds_bucket{le="0.5",msg="a b} c"} 1
                h_seconds_count 1 1700000000000
                h_seconds_sum\t0.2

                plain{node="node-1"} NaN
                """;
        assertThat(PromQlMetricNames.exposed(scrape))
                .containsExactly("h_seconds_bucket", "h_seconds_count", "h_seconds_sum", "plain");
    }

    @Test
    void rulesExpressionsAreReadInEveryYamlScalarStyle() throws IOException {
        Path rules = Files.writeString(dir.resolve("rules.yml"), """
                groups:
                  - name: a
                    rules:
                      - alert: Plain
                        expr: plain > 0
                      - alert: Folded
                        expr: >-
                          folded_a
                            > ignoring(type) group_left
                          folded_b
                  - name: b
                    rules:
                      - record: job:literal:sum
                        expr: |
                          sum by (job) (
                            literal # a comment: not_a_metric
                          )
                      - alert: Quoted
                        expr: 'quoted{job="x"} == 0'
                """);
        assertThat(PromQlMetricNames.ruleExpressions(rules)).extracting(Expression::where)
                .containsExactly("alert Plain", "alert Folded", "record job:literal:sum", "alert Quoted");
        assertThat(PromQlMetricNames.ruleExpressions(rules)).flatExtracting(e -> PromQlMetricNames.of(e.promql()))
                .containsExactly("plain", "folded_a", "folded_b", "literal", "quoted");
    }

    @Test
    void dashboardExpressionsAreFoundAtAnyDepthAndInQueryVariables() throws IOException {
        Path dashboard = Files.writeString(dir.resolve("dashboard.json"), """
                {"panels": [
                  {"type": "row", "title": "Row", "panels": [
                    {"type": "timeseries", "title": "Nested", "targets": [{"expr": "nested_total"}]}]},
                  {"type": "stat", "title": "Top", "targets": [{"expr": "a"}, {"expr": "rate(b[5m])"}]}],
                 "templating": {"list": [
                   {"name": "node", "type": "query",
                    "query": {"query": "label_values(node_metric{instance=~\\"$instance\\", x=\\"a,b\\"}, node)"}},
                   {"name": "instance", "type": "query", "query": "label_values(instance_metric, instance)"},
                   {"name": "q", "type": "query", "query": "query_result(topk(1, q_metric))"},
                   {"name": "job", "type": "query", "query": "label_values(job)"},
                   {"name": "datasource", "type": "datasource", "query": "prometheus"}]}}
                """);
        assertThat(PromQlMetricNames.dashboardExpressions(dashboard))
                .extracting(Expression::where).containsExactly("panel 'Nested'", "panel 'Top'", "panel 'Top'",
                        "variable $node", "variable $instance", "variable $q");
        assertThat(PromQlMetricNames.dashboardExpressions(dashboard))
                .flatExtracting(e -> PromQlMetricNames.of(e.promql()))
                .containsExactly("nested_total", "a", "b", "node_metric", "instance_metric", "q_metric");
    }
}
