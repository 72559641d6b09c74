package org.distributedtesting.recovery.examples.custom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The design's custom strategy in the daemon, end to end: the real daemon jar ({@code java -jar recovery.jar}) with
 * this example's jar in its {@code --plugins} directory, run with {@code --strategy custom --daemon} against three
 * real node processes on loopback, one of them a stale leader; the custom split-brain rung
 * ({@link CustomSplitBrainStrategy}) fences it, as the journal shows. And the usage errors of {@code --plugins}.
 */
class CustomStrategyDaemonIT {

    private static final Path DAEMON_JAR = Path.of(System.getProperty("daemon.jar", "daemon.jar")).toAbsolutePath();
    private static final Path PLUGIN_JAR = Path.of(System.getProperty("plugin.jar", "plugin.jar")).toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "custom-strategy-it-token";

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stopEverything() {
        processes.forEach(Process::destroyForcibly);
    }

    @Test
    void daemonRunsTheCustomSplitBrainRungFromItsPluginJar() throws Exception {
        // Given node-1 leads in term 2 and node-2 follows it, while node-3 still claims leadership of term 1
        int port1 = startNode("node-1", "--term", "2", "--leader", "node-1");
        int port2 = startNode("node-2", "--term", "2", "--leader", "node-1");
        int port3 = startNode("node-3", "--term", "1", "--leader", "node-3", "--follows", "node-1",
                "--follows-term", "2");
        Path config = config(port1, port2, port3);
        Path plugins = pluginDir();

        // When the daemon runs with the example's jar as a plugin and --strategy custom
        Process daemon = daemon(config, "--plugins", plugins.toString(), "--strategy", "custom", "--daemon",
                "--interval", "1");

        // Then the custom rung fenced the stale leader and the recovery was verified
        Path journal = dir.resolve("recovery").resolve("recovery-journal.jsonl");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> records(journal).stream().anyMatch(r -> r.path("action").asText()
                        .equals("recovery_verified") && r.path("details").path("reason").asText()
                        .equals("split_brain")));
        List<JsonNode> records = records(journal);
        assertThat(records).filteredOn(r -> r.path("details").path("rung").asText().equals("fence_stale_leaders")
                        && r.path("details").path("detail").asText().startsWith(CustomSplitBrainStrategy.MARK))
                .as("the custom rung's record in %s", records).isNotEmpty();
        assertThat(records).filteredOn(r -> r.path("action").asText().equals("step_down_leader"))
                .singleElement().satisfies(r -> {
                    assertThat(r.path("details").path("node_id").asText()).isEqualTo("node-3");
                    assertThat(r.path("details").path("outcome").asText()).isEqualTo("done");
                });
        assertThat(records).filteredOn(r -> r.path("action").asText().equals("recovery_verified"))
                .singleElement().satisfies(r -> assertThat(r.path("details").path("resolution").asText())
                        .isEqualTo("fence_stale_leaders"));
        String err = Files.readString(dir.resolve("daemon.err"));
        assertThat(err).contains("plugins loaded from", PLUGIN_JAR.getFileName().toString(),
                "PAGE split_brain on ['node-3']");

        // And SIGTERM stops it cleanly, with the seed's recovery_log.json written
        daemon.destroy();
        assertThat(daemon.waitFor(30, TimeUnit.SECONDS)).as("daemon stopped").isTrue();
        assertThat(daemon.exitValue()).as(err).isZero();
        assertThat(dir.resolve("recovery").resolve("recovery_log.json")).isRegularFile();
    }

    @Test
    void aStrategyNoLoadedJarProvidesIsAUsageErrorNamingTheJarsLoaded() throws Exception {
        // Given
        Path config = config(7001, 7002, 7003);

        // When
        Process daemon = daemon(config, "--plugins", pluginDir().toString(), "--strategy", "paging", "--once");

        // Then
        assertThat(exitCode(daemon)).isEqualTo(2);
        assertThat(Files.readString(dir.resolve("daemon.err")))
                .contains("unknown strategy 'paging'", "custom", "plugins loaded from",
                        PLUGIN_JAR.getFileName().toString())
                .doesNotContain("\tat ");
    }

    @Test
    void theConfigsPluginsKeyLoadsTheJarsRelativeToTheConfigFile() throws Exception {
        // Given "plugins": "plugins" in the config, which sits next to that directory, and a working directory
        // elsewhere
        pluginDir();
        Path config = config(7001, 7002, 7003);
        Files.writeString(config, Files.readString(config).replace("\"recovery_dir\"", "\"plugins\": \"plugins\","
                + " \"recovery_dir\""));

        // When: a name no jar provides, so that the daemon says what it loaded and stops
        Process daemon = daemon(config, Files.createDirectories(dir.resolve("elsewhere")), "--strategy", "paging",
                "--once");

        // Then
        assertThat(exitCode(daemon)).isEqualTo(2);
        assertThat(Files.readString(dir.resolve("daemon.err")))
                .contains("unknown strategy 'paging'", "plugins loaded from", dir.resolve("plugins").toString(),
                        PLUGIN_JAR.getFileName().toString());
    }

    @Test
    void customWithoutThePluginIsAUsageErrorThatPointsToPlugins() throws Exception {
        // Given
        Path config = config(7001, 7002, 7003);

        // When
        Process daemon = daemon(config, "--strategy", "custom", "--once");

        // Then
        assertThat(exitCode(daemon)).isEqualTo(2);
        assertThat(Files.readString(dir.resolve("daemon.err")))
                .contains("unknown strategy 'custom'", "no plugins loaded", "--plugins DIR").doesNotContain("\tat ");
    }

    @Test
    void aMissingPluginDirectoryIsAUsageError() throws Exception {
        // Given
        Path config = config(7001, 7002, 7003);

        // When
        Process daemon = daemon(config, "--plugins", dir.resolve("nowhere").toString(), "--strategy", "custom");

        // Then
        assertThat(exitCode(daemon)).isEqualTo(2);
        assertThat(Files.readString(dir.resolve("daemon.err")))
                .contains("--plugins", "nowhere", "no such directory").doesNotContain("\tat ");
    }

    @Test
    void aJarThatCannotBeReadIsAUsageError() throws Exception {
        // Given a plugin directory with the example's jar and a file named .jar that is no jar
        Path config = config(7001, 7002, 7003);
        Path plugins = pluginDir();
        Files.writeString(plugins.resolve("broken.jar"), "not a zip file");

        // When
        Process daemon = daemon(config, "--plugins", plugins.toString(), "--strategy", "custom");

        // Then
        assertThat(exitCode(daemon)).isEqualTo(2);
        assertThat(Files.readString(dir.resolve("daemon.err")))
                .contains("cannot read", "broken.jar", "as a jar").doesNotContain("\tat ");
    }

    private int startNode(String id, String... args) throws IOException {
        Path out = dir.resolve(id + ".out");
        List<String> command = new ArrayList<>(List.of(java(), "-Xmx64m", "-cp",
                System.getProperty("java.class.path"), ClaimingNode.class.getName(), "--id", id));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
        builder.environment().put("RECOVERY_CONTROL_TOKEN", TOKEN);
        processes.add(builder.start());
        Pattern listening = Pattern.compile("listening on (\\d+)");
        await(id + " listening").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> listening.matcher(Files.readString(out)).find());
        Matcher m = listening.matcher(Files.readString(out));
        assertThat(m.find()).isTrue();
        return Integer.parseInt(m.group(1));
    }

    private Path config(int port1, int port2, int port3) throws IOException {
        StringBuilder nodes = new StringBuilder();
        int[] ports = {port1, port2, port3};
        for (int i = 0; i < ports.length; i++) {
            Path data = Files.createDirectories(dir.resolve("node-" + (i + 1)));
            nodes.append(i == 0 ? "" : ",\n").append(String.format("    {\"id\": \"node-%d\", \"host\": \"127.0.0.1\","
                    + " \"port\": %d, \"data_dir\": \"%s\"}", i + 1, ports[i], data));
        }
        Path config = dir.resolve("cluster.json");
        Files.writeString(config, "{\n  \"nodes\": [\n" + nodes + "\n  ],\n  \"recovery_dir\": \"recovery\",\n"
                + "  \"recovery_options\": {\"confirmations\": 2, \"verify_interval\": 0.5}\n}\n");
        return config;
    }

    private Path pluginDir() throws IOException {
        assertThat(PLUGIN_JAR).as("the example's jar, built in the package phase").isRegularFile();
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Files.copy(PLUGIN_JAR, plugins.resolve(PLUGIN_JAR.getFileName()));
        return plugins;
    }

    private Process daemon(Path config, String... args) throws IOException {
        return daemon(config, dir, args);
    }

    private Process daemon(Path config, Path workingDir, String... args) throws IOException {
        assertThat(DAEMON_JAR).as("recovery-strategies' daemon jar").isRegularFile();
        List<String> command = new ArrayList<>(List.of(java(), "-Xmx128m", "-jar", DAEMON_JAR.toString(),
                "--config", config.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workingDir.toFile())
                .redirectOutput(dir.resolve("daemon.out").toFile()).redirectError(dir.resolve("daemon.err").toFile());
        builder.environment().put("RECOVERY_CONTROL_TOKEN", TOKEN);
        Process daemon = builder.start();
        processes.add(daemon);
        return daemon;
    }

    private int exitCode(Process daemon) throws InterruptedException, IOException {
        assertThat(daemon.waitFor(60, TimeUnit.SECONDS)).as("daemon exited; stderr: %s",
                Files.readString(dir.resolve("daemon.err"))).isTrue();
        return daemon.exitValue();
    }

    private static List<JsonNode> records(Path journal) throws IOException {
        if (!Files.exists(journal)) {
            return List.of();
        }
        List<JsonNode> records = new ArrayList<>();
        for (String line : Files.readAllLines(journal)) {
            if (!line.isBlank() && line.endsWith("}")) {
                records.add(JSON.readTree(line));
            }
        }
        return records;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
