package org.distributedtesting.recovery.strategies.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names PromQL expressions use, and the check that the shipped alert rules and dashboard use only names a
 * scrape of the daemon exposes: {@link #unknownNames(String)}.
 *
 * <p>The names of an expression are what is left when everything else is taken out: comments, string literals,
 * label matchers {@code {...}} (an equality matcher on {@code __name__} names a metric, and counts), range and
 * subquery brackets {@code [...]}, the label lists of {@code by}, {@code without}, {@code on}, {@code ignoring},
 * {@code group_left} and {@code group_right}, numbers and durations, keywords and binary operators ({@code and},
 * {@code or}, {@code unless}, {@code bool}, {@code offset}, {@code atan2}), function names and aggregation operators
 * (an identifier followed by {@code (}), and Grafana's {@code $variables}. This is not a PromQL parser: it does not
 * validate (promtool does that, see {@code AlertRulesTest} and {@code DashboardTest}), it only needs to be right on
 * valid expressions.
 *
 * <p>Stateless; thread-safe.
 */
public final class PromQlMetricNames {

    /**
     * Series Prometheus adds to every target it scrapes, which no exporter exposes; the rules' daemon-down alerts
     * use {@code up}.
     */
    public static final Set<String> PROMETHEUS_SERIES = Set.of("up", "scrape_duration_seconds",
            "scrape_samples_scraped", "scrape_samples_post_metric_relabeling", "scrape_series_added");

    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without",
            "on", "ignoring", "group_left", "group_right", "atan2", "inf", "nan",
            // aggregation operators, which are also followed by "(" once their label list is out
            "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk",
            "quantile", "limitk", "limit_ratio");
    private static final char LITERAL = '\u00a7';
    private static final Pattern BRACES = Pattern.compile("\\{[^{}\\[\\]]*}");
    private static final Pattern BRACKETS = Pattern.compile("\\[[^\\[\\]{}]*]");
    private static final Pattern NAME_MATCHER = Pattern.compile("__name__\\s*=\\s*" + LITERAL + "(\\d+)");
    private static final Pattern LABEL_LIST = Pattern.compile(
            "(?<![\\w:])(?i:by|without|on|ignoring|group_left|group_right)\\s*\\([^()]*\\)");
    private static final Pattern TOKEN = Pattern.compile(
            LITERAL + "\\d+"                                  // a string literal, taken out before
            + "|\\$\\w+"                                      // a Grafana variable
            + "|(?:\\d|\\.\\d)(?:[\\w.]|(?<=\\d[eE])[+-])*"   // a number or a duration: 0.9, 1e-3, 0x1f, 1h30m
            + "|([a-zA-Z_:][\\w:]*)"                          // an identifier
            + "|\\S");
    private static final Pattern LABEL_VALUES = Pattern.compile("^\\s*label_values\\s*\\((.*),\\s*\\w+\\s*\\)\\s*$",
            Pattern.DOTALL);
    private static final Pattern QUERY_RESULT = Pattern.compile("^\\s*query_result\\s*\\((.*)\\)\\s*$",
            Pattern.DOTALL);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    private PromQlMetricNames() {
    }

    /** One PromQL expression of a shipped file, and where it is ({@code alert CoordinatorRecoverySlow}). */
    public record Expression(String where, String promql) {

        /** @throws NullPointerException if an argument is null */
        public Expression {
            Objects.requireNonNull(where, "where");
            Objects.requireNonNull(promql, "promql");
        }
    }

    /**
     * The metric names {@code promql} uses, sorted.
     *
     * @throws IllegalArgumentException if it has an unterminated string or unbalanced braces or brackets
     */
    public static SortedSet<String> of(String promql) {
        List<String> literals = new ArrayList<>();
        String code = withoutCommentsAndStrings(promql, literals);
        SortedSet<String> names = new TreeSet<>();
        code = removeAll(BRACES, code, matcher -> {
            Matcher name = NAME_MATCHER.matcher(matcher.group());
            while (name.find()) {
                names.add(literals.get(Integer.parseInt(name.group(1))));
            }
        });
        code = removeAll(BRACKETS, code, matcher -> { });
        if (code.matches("(?s).*[{}\\[\\]].*")) {
            throw new IllegalArgumentException("unbalanced braces or brackets in: " + promql);
        }
        code = LABEL_LIST.matcher(code).replaceAll(" ");
        Matcher token = TOKEN.matcher(code);
        while (token.find()) {
            String identifier = token.group(1);
            if (identifier == null || KEYWORDS.contains(identifier.toLowerCase(Locale.ROOT))
                    || code.substring(token.end()).stripLeading().startsWith("(")) {
                continue;
            }
            names.add(identifier);
        }
        return names;
    }

    /**
     * The {@code expr} of every rule of a Prometheus rules file, with its alert's or recording rule's name.
     *
     * @throws UncheckedIOException if the file cannot be read or is not YAML
     */
    public static List<Expression> ruleExpressions(Path rulesYaml) {
        JsonNode root = read(YAML, rulesYaml);
        List<Expression> expressions = new ArrayList<>();
        for (JsonNode group : root.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                String where = rule.has("alert") ? "alert " + rule.path("alert").asText()
                        : "record " + rule.path("record").asText();
                expressions.add(new Expression(where, rule.path("expr").asText()));
            }
        }
        return expressions;
    }

    /**
     * Every {@code expr} of a Grafana dashboard, wherever it is in the JSON, with the title of the panel it belongs
     * to; and the PromQL of its query variables ({@code label_values(selector, label)}, {@code query_result(expr)}).
     *
     * @throws UncheckedIOException if the file cannot be read or is not JSON
     */
    public static List<Expression> dashboardExpressions(Path dashboardJson) {
        JsonNode root = read(JSON, dashboardJson);
        List<Expression> expressions = new ArrayList<>();
        collectExpr(root, "dashboard", expressions);
        for (JsonNode variable : root.path("templating").path("list")) {
            JsonNode query = variable.path("query");
            String text = query.isTextual() ? query.asText() : query.path("query").asText();
            String where = "variable $" + variable.path("name").asText();
            for (Pattern pattern : List.of(LABEL_VALUES, QUERY_RESULT)) {
                Matcher matcher = pattern.matcher(text);
                if (matcher.matches()) {
                    expressions.add(new Expression(where, matcher.group(1)));
                }
            }
        }
        return expressions;
    }

    /**
     * The names of the samples in a scrape in Prometheus' text format, sorted: a histogram shows as its
     * {@code _bucket}, {@code _count} and {@code _sum}, as PromQL sees it.
     */
    public static SortedSet<String> exposed(String scrapeText) {
        SortedSet<String> names = new TreeSet<>();
        for (String line : scrapeText.split("\n")) {
            String sample = line.strip();
            if (sample.isEmpty() || sample.startsWith("#")) {
                continue;
            }
            int end = 0;
            while (end < sample.length() && "{ \t".indexOf(sample.charAt(end)) < 0) {
                end++;
            }
            names.add(sample.substring(0, end));
        }
        return names;
    }

    /**
     * The metric names the shipped alert rules and dashboard use, each with where it is used.
     *
     * @throws IllegalStateException if the files are not found ({@link MonitoringFiles#directory()})
     */
    public static SortedMap<String, SortedSet<String>> usedNames() {
        List<Expression> expressions = new ArrayList<>();
        ruleExpressions(MonitoringFiles.rules()).forEach(e ->
                expressions.add(new Expression(MonitoringFiles.RULES + ": " + e.where(), e.promql())));
        dashboardExpressions(MonitoringFiles.dashboard()).forEach(e ->
                expressions.add(new Expression(MonitoringFiles.DASHBOARD + ": " + e.where(), e.promql())));
        SortedMap<String, SortedSet<String>> used = new TreeMap<>();
        for (Expression expression : expressions) {
            for (String name : of(expression.promql())) {
                used.computeIfAbsent(name, n -> new TreeSet<>()).add(expression.where());
            }
        }
        return used;
    }

    /**
     * The metric names the shipped alert rules and dashboard use that {@code scrapeText} (the daemon's
     * {@code GET /metrics}) does not expose, each with where it is used; empty when every one is there. The series
     * Prometheus adds itself ({@link #PROMETHEUS_SERIES}) are never unknown.
     *
     * @throws IllegalStateException if the files are not found ({@link MonitoringFiles#directory()})
     */
    public static SortedMap<String, SortedSet<String>> unknownNames(String scrapeText) {
        Set<String> exposed = exposed(scrapeText);
        SortedMap<String, SortedSet<String>> unknown = new TreeMap<>(usedNames());
        unknown.keySet().removeIf(name -> exposed.contains(name) || PROMETHEUS_SERIES.contains(name));
        return unknown;
    }

    /** {@code promql} with comments taken out and each string literal replaced by {@code §n}, n its index. */
    private static String withoutCommentsAndStrings(String promql, List<String> literals) {
        StringBuilder code = new StringBuilder(promql.length());
        int i = 0;
        while (i < promql.length()) {
            char c = promql.charAt(i);
            if (c == '#') {
                while (i < promql.length() && promql.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '"' || c == '\'' || c == '`') {
                StringBuilder literal = new StringBuilder();
                int j = i + 1;
                while (j < promql.length() && promql.charAt(j) != c) {
                    if (promql.charAt(j) == '\\' && c != '`' && j + 1 < promql.length()) {
                        j++; // an escaped quote does not end the string; raw strings have no escapes
                    }
                    literal.append(promql.charAt(j));
                    j++;
                }
                if (j >= promql.length()) {
                    throw new IllegalArgumentException("unterminated string at " + i + " in: " + promql);
                }
                code.append(' ').append(LITERAL).append(literals.size()).append(' ');
                literals.add(literal.toString());
                i = j + 1;
            } else {
                code.append(c);
                i++;
            }
        }
        return code.toString();
    }

    private static String removeAll(Pattern pattern, String code, Consumer<Matcher> onMatch) {
        Matcher matcher = pattern.matcher(code);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            onMatch.accept(matcher);
            matcher.appendReplacement(out, " ");
        }
        matcher.appendTail(out);
        return out.toString();
    }

    private static void collectExpr(JsonNode node, String where, List<Expression> out) {
        if (node.isObject()) {
            String here = node.has("title") && node.has("type") ? "panel '" + node.path("title").asText() + "'"
                    : where;
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                if (field.getKey().equals("expr") && field.getValue().isTextual()) {
                    out.add(new Expression(here, field.getValue().asText()));
                } else {
                    collectExpr(field.getValue(), here, out);
                }
            }
        } else if (node.isArray()) {
            node.forEach(element -> collectExpr(element, where, out));
        }
    }

    private static JsonNode read(ObjectMapper mapper, Path file) {
        try {
            return mapper.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
