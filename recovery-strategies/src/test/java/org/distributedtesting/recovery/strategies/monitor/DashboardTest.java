package org.distributedtesting.recovery.strategies.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.distributedtesting.recovery.strategies.monitor.PromQlMetricNames.Expression;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped Grafana dashboard ({@code docs/monitoring/grafana-dashboard.json}) imports: strict JSON of the schema
 * version it claims, every panel queries the data source variable with PromQL that promtool parses, it uses only the
 * template variables it defines, and its panels do not overlap.
 */
class DashboardTest {

    /** The schema version the dashboard is written in; Grafana migrates a dashboard of an older one on import. */
    private static final int SCHEMA_VERSION = 39;
    private static final int GRID_COLUMNS = 24;
    /** Grafana's global variables, which a dashboard uses without defining them. */
    private static final Set<String> GLOBAL_VARIABLES = Set.of("__interval", "__interval_ms", "__rate_interval",
            "__range", "__range_s", "__range_ms", "__from", "__to", "__dashboard", "__org", "__user", "__timeFilter");
    private static final Pattern VARIABLE = Pattern.compile(
            "\\$\\{([a-zA-Z_]\\w*)(?::[^}]*)?}|\\$([a-zA-Z_]\\w*)|\\[\\[([a-zA-Z_]\\w*)(?::[^\\]]*)?]]");
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static JsonNode dashboard;

    @BeforeAll
    static void readDashboard() throws IOException {
        dashboard = JSON.readTree(MonitoringFiles.dashboard().toFile());
    }

    @Test
    void isStrictJsonOfTheSchemaVersionItClaimsWithATitleAndUid() {
        assertThat(dashboard.path("schemaVersion").asInt()).isEqualTo(SCHEMA_VERSION);
        assertThat(dashboard.path("title").asText()).isNotBlank();
        assertThat(dashboard.path("uid").asText()).matches("[a-zA-Z0-9_-]{1,40}");
        assertThat(panels()).isNotEmpty();
    }

    @Test
    void everyPanelQueriesTheDataSourceVariableWithAnExpressionPerTarget() {
        String datasource = "${" + datasourceVariable() + "}";
        List<String> problems = new ArrayList<>();

        for (JsonNode panel : panels()) {
            String title = panel.path("title").asText();
            if (panel.path("type").asText().equals("row")) {
                continue;
            }
            if (!panel.path("datasource").path("uid").asText().equals(datasource)) {
                problems.add(title + ": datasource " + panel.path("datasource") + " is not " + datasource);
            }
            if (panel.path("targets").isEmpty()) {
                problems.add(title + ": no targets");
            }
            Set<String> refIds = new HashSet<>();
            for (JsonNode target : panel.path("targets")) {
                if (target.path("expr").asText().isBlank()) {
                    problems.add(title + ": a target without expr: " + target);
                }
                if (!refIds.add(target.path("refId").asText()) || target.path("refId").asText().isEmpty()) {
                    problems.add(title + ": refId missing or repeated: " + target);
                }
                if (target.has("datasource") && !target.path("datasource").path("uid").asText().equals(datasource)) {
                    problems.add(title + ": a target with another datasource: " + target);
                }
            }
        }

        assertThat(problems).isEmpty();
    }

    @Test
    void usesOnlyTheTemplateVariablesItDefines() {
        Set<String> defined = new TreeSet<>(GLOBAL_VARIABLES);
        dashboard.path("templating").path("list").forEach(v -> defined.add(v.path("name").asText()));
        Set<String> used = new TreeSet<>();

        collectVariables(dashboard, used);

        assertThat(used).as("variables the dashboard uses").isNotEmpty().contains(datasourceVariable());
        assertThat(defined).as("variables it defines, and Grafana's own").containsAll(used);
    }

    @Test
    void promtoolParsesEveryExpressionWithItsVariablesFilledIn(@TempDir Path dir) throws IOException {
        List<Expression> expressions = PromQlMetricNames.dashboardExpressions(MonitoringFiles.dashboard());
        ObjectNode rules = YAML.createObjectNode();
        ObjectNode group = rules.putArray("groups").addObject().put("name", "dashboard");
        ArrayNode list = group.putArray("rules");
        for (int i = 0; i < expressions.size(); i++) {
            // durations where Grafana puts one, and a match-anything regex for the variables in label matchers
            String promql = expressions.get(i).promql()
                    .replaceAll("\\$\\{?__(rate_)?interval}?|\\$\\{?__range}?", "5m")
                    .replaceAll("\\$\\{?\\w+}?", ".*");
            list.addObject().put("record", "dashboard:expression_" + i).put("expr", promql);
        }
        Path file = dir.resolve("dashboard.rules.yml");
        YAML.writeValue(file.toFile(), rules);

        Promtool.Result result = Promtool.run("check", "rules", file.toString());

        assertThat(expressions).isNotEmpty();
        assertThat(result.succeeded()).as(result.describe()).isTrue();
        assertThat(result.output()).as(result.describe()).contains("SUCCESS: " + expressions.size() + " rules found");
    }

    @Test
    void panelsFitTheGridWithoutOverlapping() {
        List<String> problems = new ArrayList<>();
        List<JsonNode> panels = panels();

        for (int i = 0; i < panels.size(); i++) {
            JsonNode a = panels.get(i).path("gridPos");
            if (a.path("w").asInt() <= 0 || a.path("h").asInt() <= 0
                    || a.path("x").asInt() + a.path("w").asInt() > GRID_COLUMNS) {
                problems.add(panels.get(i).path("title").asText() + ": off the grid " + a);
            }
            for (int j = i + 1; j < panels.size(); j++) {
                JsonNode b = panels.get(j).path("gridPos");
                if (overlap(a, "x", "w", b) && overlap(a, "y", "h", b)) {
                    problems.add(panels.get(i).path("title").asText() + " overlaps "
                            + panels.get(j).path("title").asText());
                }
            }
        }

        assertThat(problems).isEmpty();
    }

    /** Every panel, those inside collapsed rows too. */
    private static List<JsonNode> panels() {
        List<JsonNode> panels = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            panels.add(panel);
            panel.path("panels").forEach(panels::add);
        }
        return panels;
    }

    private static String datasourceVariable() {
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if (variable.path("type").asText().equals("datasource")
                    && variable.path("query").asText().equals("prometheus")) {
                return variable.path("name").asText();
            }
        }
        throw new AssertionError("the dashboard defines no variable of type datasource for prometheus");
    }

    private static void collectVariables(JsonNode node, Set<String> used) {
        if (node.isTextual()) {
            Matcher matcher = VARIABLE.matcher(node.asText());
            while (matcher.find()) {
                for (int g = 1; g <= 3; g++) {
                    if (matcher.group(g) != null) {
                        used.add(matcher.group(g));
                    }
                }
            }
        }
        node.forEach(child -> collectVariables(child, used));
    }

    private static boolean overlap(JsonNode a, String at, String size, JsonNode b) {
        int a0 = a.path(at).asInt();
        int b0 = b.path(at).asInt();
        return a0 < b0 + b.path(size).asInt() && b0 < a0 + a.path(size).asInt();
    }
}
