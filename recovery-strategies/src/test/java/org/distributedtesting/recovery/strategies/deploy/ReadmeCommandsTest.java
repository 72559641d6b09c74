package org.distributedtesting.recovery.strategies.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every {@code mvn} and {@code java} command the README shows is run somewhere, so that none can rot: by a test
 * (which must exist), by {@code .ci/run} in a cheap form (which must be there, word for word), or, for the long
 * ones, checked here against the build: its modules, profiles, tests, jars, main classes and options exist, and a
 * command that names tests across modules ({@code -pl X -am -Dit.test=T}) does not fail in the modules without
 * them (the README's chaos command did: "No tests matching pattern RandomFaultScheduleIT were executed").
 *
 * <p>A command added to the README or changed there fails {@link #everyReadmeCommandIsKnown()} until it is listed
 * in {@link #COMMANDS} with where it runs.
 */
class ReadmeCommandsTest {

    private static final String CI = "ci: ";
    private static final String TEST = "test: ";
    private static final String LONG = "long: ";

    /**
     * Each README command (whitespace collapsed) and where it runs: {@code test: Class} (a test of the build),
     * {@code ci: line} (a line of .ci/run), or {@code long: why} (too long for a build; checked statically only).
     */
    private static final Map<String, List<String>> COMMANDS = new LinkedHashMap<>();

    static {
        known("mvn -B -q install -DskipTests && java -jar examples/ratis-coordinator/target/ratis-demo.jar",
                "test: RatisDemoIT", "ci: java -jar examples/ratis-coordinator/target/ratis-demo.jar --help");
        known("mvn -B -q install -DskipTests && java -jar recovery-strategies/target/recovery.jar --simulate",
                "test: SimulateModeTest", "ci: java -jar recovery-strategies/target/recovery.jar --simulate");
        known("java -jar examples/demo-cluster/target/recovery-demo.jar", "test: CrashDemoIT");
        known("mvn -B test -pl examples/sim-testing -am"
                        + " -Dtest='PagingCrashStrategyOnSimulatedClusterTest#restartsACrashedFollowerWhateverTheSeed'"
                        + " -Dsurefire.failIfNoSpecifiedTests=false -Dsim.seed=13",
                "test: SimSeedsTest");
        known("mvn -B verify", "ci: mvn -B verify");
        known("java -jar recovery-strategies/target/recovery.jar --config FILE [--once | --daemon] [--interval SECONDS]"
                        + " [--dry-run] [--strategy NAME] [--plugins DIR] [--timeout SECONDS]"
                        + " [--metrics-listen [HOST:]PORT] [--log-file FILE] [--test-alerts] [--example-config]"
                        + " [--help] [--version]",
                "test: DaemonCommandLineIT", "ci: java -jar recovery-strategies/target/recovery.jar --help");
        known("java -jar recovery-strategies/target/recovery.jar --simulate [--nodes N] [--seed S]"
                        + " [--inject TYPE[,TYPE...]] [--duration SECONDS] [--once] [--dry-run] [--strategy NAME]",
                "test: SimulateModeTest", "ci: java -jar recovery-strategies/target/recovery.jar --simulate");
        known("java -jar recovery-strategies/target/recovery.jar report (--config FILE | --journal DIR)"
                        + " [--since AGE] [--format text|json]",
                "test: ReportCommandTest", "ci: java -jar recovery-strategies/target/recovery.jar report --help");
        known("$ java -jar recovery.jar report --journal recovery", "test: ReportCommandTest");
        known("mvn -B -q package -DskipTests -pl recovery-strategies -am", "test: SystemdUnitTest");
        known("java -jar /opt/coordinator-recovery/recovery.jar --example-config | sed -e 's|\"recovery_dir\":"
                        + " \"recovery\"|\"recovery_dir\": \"/var/lib/coordinator-recovery\"|' -e"
                        + " 's|\"history_database\": \"recovery/|\"history_database\":"
                        + " \"/var/lib/coordinator-recovery/|' > /etc/coordinator-recovery/cluster.json # then edit"
                        + " the nodes",
                "ci: java -jar recovery-strategies/target/recovery.jar --example-config");
        known("mvn -B -q package -DskipTests -pl examples/custom-strategy -am", "test: CustomStrategyDaemonIT");
        known("java -jar recovery-strategies/target/recovery.jar --config cluster.json --plugins plugins"
                + " --strategy custom --daemon", "test: CustomStrategyDaemonIT");
        known("mvn -B -q install -DskipTests", "ci: mvn -B verify");
        known("mvn -B -q install -DskipTests -DskipITs -pl examples/ratis-coordinator -am",
                "long: builds for RecoveryTimesMain, which runs 55 real-cluster recoveries (25 min)");
        known("mvn -B -q -pl examples/ratis-coordinator dependency:build-classpath"
                        + " -Dmdep.outputFile=/tmp/coordinator.cp -Dmdep.includeScope=runtime",
                "long: the class path of RecoveryTimesMain (25 min)");
        known("java -cp \"$(cat /tmp/coordinator.cp):examples/ratis-coordinator/target/classes\""
                        + " org.distributedtesting.recovery.examples.ratis.harness.RecoveryTimesMain --runs 5",
                "long: 55 recoveries of real clusters, 25 min; each fault has its own IT in every build");
        known("java -jar recovery.jar --config cluster.json --interval 30 --daemon", "test: DaemonCommandLineIT");
        known("mvn -B verify -Pcampaign -pl recovery-strategies -am", "test: CampaignTest",
                "long: 20,000 scenarios, about 5 min");
        known("mvn -B verify -Pdemo -pl examples/ratis-coordinator -am", "test: RatisDemoIT",
                "long: every integration test upstream and the demo, about 20 min");
        known("mvn -B verify -Pchaos -pl examples/ratis-coordinator -am -Dit.test=RandomFaultScheduleIT",
                "test: RandomFaultScheduleIT", "long: 15 minutes of random faults");
        known("mvn package", "ci: mvn -B verify");
        known("java -cp examples/benchmarks/target/cycle-benchmark.jar"
                        + " org.distributedtesting.recovery.examples.bench.RecoveryTimes --seeds 20",
                "ci: java -cp examples/benchmarks/target/cycle-benchmark.jar"
                        + " org.distributedtesting.recovery.examples.bench.RecoveryTimes --seeds 1");
        known("java -jar recovery.jar --example-config",
                "ci: java -jar recovery-strategies/target/recovery.jar --example-config");
        known("java -jar recovery.jar report --config FILE [--since 7d] [--format text|json]",
                "test: ReportCommandTest");
        known("mvn -B test -pl recovery-strategies -am -Dtest='AlertRulesTest,DashboardTest,PromQlMetricNames*,"
                        + "RulesAndDashboardMetricNamesTest' -Dsurefire.failIfNoSpecifiedTests=false",
                "test: AlertRulesTest", "test: DashboardTest", "test: RulesAndDashboardMetricNamesTest");
        known("java -jar recovery.jar --config cluster.json --test-alerts", "test: AlertmanagerIT");
        known("mvn -B verify -pl recovery-strategies -am -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false"
                        + " -Dit.test='SeveralDaemonsIT#takeoverTimeMedianOfFive' -Dfailsafe.failIfNoSpecifiedTests=false",
                "test: SeveralDaemonsIT");
        known("java -jar recovery.jar", "test: DaemonCommandLineIT");
        known("java -jar examples/benchmarks/target/cycle-benchmark.jar --nodes 1000 --probe-ms 5 --cycles 100"
                        + " --detector-nodes 1000",
                "ci: java -jar examples/benchmarks/target/cycle-benchmark.jar --nodes 50 --probe-ms 1 --cycles 3");
        known("java -cp examples/benchmarks/target/cycle-benchmark.jar"
                        + " org.distributedtesting.recovery.examples.bench.ScenarioBenchmark --scenarios 5000"
                        + " --warmup 3000",
                "ci: java -cp examples/benchmarks/target/cycle-benchmark.jar"
                        + " org.distributedtesting.recovery.examples.bench.ScenarioBenchmark --scenarios 3");
        known("java -cp examples/benchmarks/target/cycle-benchmark.jar"
                        + " org.distributedtesting.recovery.examples.bench.DaemonFootprint --nodes 1000 --peers 4"
                        + " --xmx 256m",
                "ci: java -cp examples/benchmarks/target/cycle-benchmark.jar"
                        + " org.distributedtesting.recovery.examples.bench.DaemonFootprint --nodes 3 --warmup 1"
                        + " --cycles 2");
        known("java -jar examples/benchmarks/jmh/target/benchmarks.jar -f 1 -wi 3 -i 5",
                "ci: java -jar examples/benchmarks/jmh/target/benchmarks.jar -f 0 -wi 0 -i 1 -r 100ms -p nodes=1000");
        known("java -cp examples/benchmarks/target/cycle-benchmark.jar"
                        + " org.distributedtesting.recovery.examples.bench.MetricsCost --cycles 300 --probe-ms 0",
                "ci: java -cp examples/benchmarks/target/cycle-benchmark.jar"
                        + " org.distributedtesting.recovery.examples.bench.MetricsCost --cycles 3 --probe-ms 0");
    }

    private static final Set<String> STANDARD_OPTIONS = Set.of("--help", "--version");

    private static Path root;
    private static Set<String> readmeCommands;

    private static void known(String command, String... where) {
        COMMANDS.put(normalize(command), List.of(where));
    }

    @BeforeAll
    static void readReadme() throws IOException {
        String property = System.getProperty("repository.root");
        assertThat(property).as("repository.root, set by the pom's surefire configuration").isNotBlank();
        root = Path.of(property).toAbsolutePath().normalize();
        readmeCommands = commands(Files.readString(root.resolve("README.md")));
    }

    @Test
    void everyReadmeCommandIsKnown() {
        // Given the commands of the README's code blocks and code spans

        // Then: each is listed with where it runs, and nothing listed has left the README
        assertThat(readmeCommands).as("README commands not in ReadmeCommandsTest.COMMANDS")
                .isSubsetOf(COMMANDS.keySet());
        assertThat(COMMANDS.keySet()).as("commands listed that the README no longer shows")
                .isSubsetOf(readmeCommands);
    }

    @Test
    void everyCommandRunsInATestThatExistsOrInCi() throws IOException {
        // Given
        String ci = Files.readString(root.resolve(".ci").resolve("run"));
        Set<String> testClasses = testClassNames();

        // Then
        for (Map.Entry<String, List<String>> entry : COMMANDS.entrySet()) {
            for (String where : entry.getValue()) {
                if (where.startsWith(CI)) {
                    assertThat(ci).as("the cheap form of %s in .ci/run", entry.getKey())
                            .contains(where.substring(CI.length()));
                } else if (where.startsWith(TEST)) {
                    assertThat(testClasses).as("the test that runs %s", entry.getKey())
                            .contains(where.substring(TEST.length()));
                } else {
                    assertThat(where).startsWith(LONG);
                }
            }
        }
    }

    @Test
    void everyMavenCommandNamesModulesProfilesAndTestsThatExist() throws IOException {
        // Given
        Set<String> testClasses = testClassNames();
        String profiles = allPoms();

        for (String command : readmeCommands) {
            for (String mvn : segments(command, "mvn ")) {
                // Then: modules
                for (String module : values(mvn, "-pl ")) {
                    for (String m : module.split(",")) {
                        assertThat(root.resolve(m).resolve("pom.xml")).as("module of %s", mvn).isRegularFile();
                    }
                }
                // profiles
                for (String profile : values(mvn, "-P")) {
                    assertThat(profiles).as("profile of %s", mvn).contains("<id>" + profile + "</id>");
                }
                // tests, and that the modules without them do not fail the command
                checkTests(mvn, "-Dtest=", "surefire", testClasses);
                checkTests(mvn, "-Dit.test=", "failsafe", testClasses);
            }
        }
    }

    @Test
    void everyJarMainClassAndOptionExists() throws IOException {
        for (String command : readmeCommands) {
            for (String java : segments(command, "java ")) {
                Path sources = sourcesOf(java);
                String options = String.join("\n", javaSources(sources));
                // Then: every --option the command uses is one the program reads
                Matcher option = Pattern.compile("(?<![\\w-])(--[a-z][a-z-]+)").matcher(java);
                while (option.find()) {
                    if (STANDARD_OPTIONS.contains(option.group(1)) && sources.toString().contains("strategies")) {
                        continue; // picocli's mixinStandardHelpOptions
                    }
                    assertThat(options).as("option %s of %s in %s", option.group(1), java, sources)
                            .contains("\"" + option.group(1) + "\"");
                }
                Matcher main = Pattern.compile("\\s(org\\.distributedtesting\\.[\\w.]+)").matcher(java);
                if (main.find()) {
                    assertThat(javaFileNamed(main.group(1))).as("main class of %s", java).isNotEmpty();
                }
            }
        }
    }

    /** Where the program a {@code java} command runs has its sources, from its jar or class path. */
    private static Path sourcesOf(String java) {
        if (java.contains("ratis-demo.jar") || java.contains("examples/ratis-coordinator")) {
            return Path.of("examples/ratis-coordinator/src/main/java");
        }
        if (java.contains("cycle-benchmark.jar")) {
            return Path.of("examples/benchmarks/src/main/java");
        }
        if (java.contains("jmh/target/benchmarks.jar")) {
            return Path.of("examples/benchmarks/jmh/src/main/java");
        }
        if (java.contains("recovery-demo.jar")) {
            return Path.of("examples/demo-cluster/src/main/java");
        }
        assertThat(java).as("a java command of the README runs recovery.jar or an example").contains("recovery.jar");
        return Path.of("recovery-strategies/src/main/java/org/distributedtesting/recovery/strategies/cli");
    }

    private static void checkTests(String mvn, String flag, String plugin, Set<String> testClasses) {
        for (String pattern : values(mvn, flag)) {
            String unquoted = pattern.replace("'", "");
            for (String name : unquoted.split(",")) {
                String className = name.split("#")[0];
                if (className.equals("NONE")) {
                    continue;
                }
                boolean found = className.endsWith("*")
                        ? testClasses.stream().anyMatch(c -> c.startsWith(className.substring(0, className.length() - 1)))
                        : testClasses.contains(className);
                assertThat(found).as("test %s of %s", className, mvn).isTrue();
            }
            boolean severalModules = mvn.contains(" -am") || values(mvn, "-pl ").stream().anyMatch(m -> m.contains(","));
            if (severalModules) {
                boolean inCommand = mvn.contains("-D" + plugin + ".failIfNoSpecifiedTests=false");
                boolean inProfile = values(mvn, "-P").stream().anyMatch(p -> profileSetsNoFailure(p, plugin));
                assertThat(inCommand || inProfile).as("%s names tests across modules; the modules without them"
                        + " fail it unless -D%s.failIfNoSpecifiedTests=false or its profile sets that", mvn, plugin)
                        .isTrue();
            }
        }
    }

    /** Whether the parent pom's profile {@code id} sets {@code <plugin>.failIfNoSpecifiedTests} to false. */
    private static boolean profileSetsNoFailure(String id, String plugin) {
        try {
            String pom = Files.readString(root.resolve("pom.xml"));
            Matcher profile = Pattern.compile("<profile>\\s*<id>" + Pattern.quote(id) + "</id>(.*?)</profile>",
                    Pattern.DOTALL).matcher(pom);
            return profile.find() && profile.group(1).contains("<" + plugin + ".failIfNoSpecifiedTests>false</"
                    + plugin + ".failIfNoSpecifiedTests>");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The values of a flag: {@code -pl X} gives X, {@code -Pchaos} gives chaos, {@code -Dit.test=T} gives T. */
    private static List<String> values(String command, String flag) {
        List<String> values = new ArrayList<>();
        for (String word : command.split(" ")) {
            if (flag.endsWith(" ")) {
                continue;
            }
            if (word.startsWith(flag)) {
                values.add(word.substring(flag.length()));
            }
        }
        if (flag.endsWith(" ")) {
            Matcher m = Pattern.compile(Pattern.quote(flag) + "(\\S+)").matcher(command);
            while (m.find()) {
                values.add(m.group(1));
            }
        }
        return values;
    }

    /** The parts of a command line that start with {@code program}: {@code a && b} and pipes are split. */
    private static List<String> segments(String command, String program) {
        List<String> parts = new ArrayList<>();
        for (String part : command.replace("$ ", "").split("&&|\\s\\|\\s(?=[a-z])")) {
            String trimmed = part.strip();
            if (trimmed.startsWith(program) || trimmed.equals(program.strip())) {
                parts.add(trimmed);
            }
        }
        return parts;
    }

    /**
     * The {@code mvn} and {@code java} commands of a Markdown text: lines of code blocks (continued by a trailing
     * backslash, or by an indented next line in a block that is not shell), and code spans that start with one.
     */
    static Set<String> commands(String markdown) {
        Set<String> commands = new LinkedHashSet<>();
        Matcher block = Pattern.compile("```(\\w*)\\n(.*?)```", Pattern.DOTALL).matcher(markdown);
        StringBuilder outside = new StringBuilder();
        int last = 0;
        while (block.find()) {
            outside.append(markdown, last, block.start());
            last = block.end();
            String language = block.group(1);
            if (!language.isEmpty() && !language.equals("bash")) {
                continue;
            }
            List<String> lines = new ArrayList<>();
            for (String line : block.group(2).replace("\\\n", " ").split("\n")) {
                if (!language.equals("bash") && line.startsWith("     ") && !lines.isEmpty()) {
                    lines.set(lines.size() - 1, lines.get(lines.size() - 1) + " " + line);
                } else {
                    lines.add(line);
                }
            }
            for (String line : lines) {
                String command = normalize(line);
                if (command.startsWith("mvn ") || command.startsWith("java ") || command.startsWith("$ java ")) {
                    commands.add(command);
                }
            }
        }
        outside.append(markdown.substring(last));
        Matcher span = Pattern.compile("`((?:mvn|java) [^`]+)`").matcher(outside);
        while (span.find()) {
            commands.add(normalize(span.group(1)));
        }
        return commands;
    }

    private static String normalize(String command) {
        return command.strip().replaceAll("\\s+", " ");
    }

    private static Set<String> testClassNames() throws IOException {
        Set<String> names = new LinkedHashSet<>();
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(p -> p.toString().contains("/src/test/java/") && p.toString().endsWith(".java"))
                    .filter(p -> !p.toString().contains("/target/"))
                    .forEach(p -> names.add(p.getFileName().toString().replace(".java", "")));
        }
        return names;
    }

    private static List<String> javaFileNamed(String className) throws IOException {
        String path = className.replace('.', '/') + ".java";
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.toString().endsWith("/src/main/java/" + path)).map(Path::toString).toList();
        }
    }

    private static List<String> javaSources(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(root.resolve(dir))) {
            return files.filter(p -> p.toString().endsWith(".java")).map(p -> {
                try {
                    return Files.readString(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).toList();
        }
    }

    private static String allPoms() throws IOException {
        StringBuilder poms = new StringBuilder();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path pom : files.filter(p -> p.getFileName().toString().equals("pom.xml"))
                    .filter(p -> !p.toString().contains("/target/")).toList()) {
                poms.append(Files.readString(pom));
            }
        }
        return poms.toString();
    }
}
