package org.distributedtesting.recovery.strategies.monitor;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The monitoring files the project ships in {@code docs/monitoring}: the Prometheus alert rules, their promtool unit
 * tests and the Grafana dashboard. Found from the working directory upwards, so that a test finds them whether Maven
 * runs it in the module's directory (as surefire and failsafe do) or an IDE in the repository's.
 *
 * <p>Stateless; thread-safe.
 */
public final class MonitoringFiles {

    /** Where the files are, relative to the repository's root. */
    public static final Path DIRECTORY = Path.of("docs", "monitoring");
    /** The alert rules, for Prometheus' {@code rule_files}. */
    public static final String RULES = "coordinator-recovery.rules.yml";
    /** The rules' unit tests, for {@code promtool test rules}. */
    public static final String RULES_TEST = "coordinator-recovery.rules.test.yml";
    /** The Grafana dashboard. */
    public static final String DASHBOARD = "grafana-dashboard.json";

    private MonitoringFiles() {
    }

    /**
     * The alert rules.
     *
     * @throws IllegalStateException if no {@code docs/monitoring} is found above the working directory
     */
    public static Path rules() {
        return directory().resolve(RULES);
    }

    /**
     * The rules' unit tests.
     *
     * @throws IllegalStateException as {@link #rules()}
     */
    public static Path rulesTest() {
        return directory().resolve(RULES_TEST);
    }

    /**
     * The dashboard.
     *
     * @throws IllegalStateException as {@link #rules()}
     */
    public static Path dashboard() {
        return directory().resolve(DASHBOARD);
    }

    /**
     * The {@code docs/monitoring} directory of the repository the tests run in.
     *
     * @throws IllegalStateException if neither the working directory nor one above it has one holding the rules
     */
    public static Path directory() {
        Path start = Path.of("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(DIRECTORY);
            if (Files.isRegularFile(candidate.resolve(RULES))) {
                return candidate;
            }
        }
        throw new IllegalStateException("no " + DIRECTORY.resolve(RULES) + " in " + start + " or a directory above it;"
                + " run the tests from the repository (mvn runs them in the module's directory)");
    }
}
