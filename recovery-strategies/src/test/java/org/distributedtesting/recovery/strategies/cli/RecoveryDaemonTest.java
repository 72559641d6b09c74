package org.distributedtesting.recovery.strategies.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.Action.Artifact;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.NodeControl;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.RecoveryStrategy;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.core.config.ConfigLoader;
import org.distributedtesting.recovery.core.config.RecoveryConfig;
import org.distributedtesting.recovery.core.http.client.HttpNodeControl;
import org.distributedtesting.recovery.core.supervise.LocalProcessSupervisor;
import org.distributedtesting.recovery.core.supervise.SupervisedNodeControl;
import org.distributedtesting.recovery.strategies.BuiltInStrategies;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecoveryDaemonTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return RecoveryDaemon.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private Path config() throws Exception {
        return Files.writeString(dir.resolve("c.json"), "{\"nodes\": [{\"id\": \"n1\", \"host\": \"127.0.0.1\","
                + " \"port\": 1, \"data_dir\": \"d\"}], \"recovery_dir\": \"r\"}");
    }

    @Test
    void helpExitsZero() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--config", "--daemon", "--dry-run", "Exit codes");
    }

    @Test
    void missingConfigIsAUsageError() {
        assertThat(run("--once")).isEqualTo(2);
        assertThat(err()).isEqualTo("recovery: --config FILE is required (or --simulate) (see --help)"
                + System.lineSeparator());
    }

    @Test
    void daemonAndOnceTogetherAreAUsageError() throws Exception {
        assertThat(run("--config", config().toString(), "--daemon", "--once")).isEqualTo(2);
        assertThat(err()).contains("--daemon and --once cannot be combined");
    }

    @Test
    void aNonPositiveIntervalIsAUsageError() throws Exception {
        assertThat(run("--config", config().toString(), "--interval", "0")).isEqualTo(2);
        assertThat(err()).contains("--interval must be a number of seconds > 0, but was 0.0");
    }

    @Test
    void aNonNumericIntervalIsAUsageError() throws Exception {
        assertThat(run("--config", config().toString(), "--interval", "soon")).isEqualTo(2);
        assertThat(err()).contains("--interval").contains("soon").doesNotContain("\tat ");
    }

    @Test
    void anUnknownStrategyInTheConfigIsAConfigError() throws Exception {
        Path config = Files.writeString(dir.resolve("s.json"), "{\"nodes\": [{\"id\": \"n1\", \"host\":"
                + " \"127.0.0.1\", \"port\": 1, \"data_dir\": \"d\"}], \"recovery_dir\": \"r\","
                + " \"strategies\": {\"proces_crash\": {}}}");
        assertThat(run("--config", config.toString())).isEqualTo(2);
        assertThat(err()).contains("strategies.proces_crash: unknown strategy 'proces_crash' (did you mean"
                + " 'process_crash'?); known strategies: ").contains("process_crash");
    }

    @Test
    void aMissingControlTokenFileIsAConfigErrorThatNamesTheFile() throws Exception {
        Path config = Files.writeString(dir.resolve("t.json"), "{\"nodes\": [{\"id\": \"n1\", \"host\":"
                + " \"127.0.0.1\", \"port\": 1, \"data_dir\": \"d\"}], \"recovery_dir\": \"r\","
                + " \"control_token_file\": \"secrets/token\"}");
        assertThat(run("--config", config.toString())).isEqualTo(2);
        assertThat(err()).isEqualTo("recovery: " + config + ": control_token_file: '"
                + dir.resolve("secrets/token") + "' does not exist" + System.lineSeparator());
    }

    @Test
    void aBadMetricsListenAddressIsAUsageErrorSayingWhatItMustBe() throws Exception {
        assertThat(run("--config", config().toString(), "--metrics-listen", "localhost")).isEqualTo(2);
        assertThat(err()).isEqualTo("recovery: --metrics-listen must be host:port, with a port in 1..65535 (or a bare"
                + " port, which listens on 127.0.0.1), but was 'localhost'" + System.lineSeparator());
    }

    @Test
    void aMetricsPortInUseIsAUsageErrorNamingTheAddress() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getByName("127.0.0.1"))) {
            String address = "127.0.0.1:" + taken.getLocalPort();
            assertThat(run("--config", config().toString(), "--metrics-listen", address)).isEqualTo(2);
            assertThat(err()).startsWith("recovery: cannot listen on " + address + " for /metrics: ")
                    .doesNotContain("\tat ");
        }
    }

    @Test
    void printsAnExampleConfigThatLoads() throws Exception {
        assertThat(run("--example-config")).isZero();
        String example = out.toString(StandardCharsets.UTF_8);
        assertThat(example).contains("\"nodes\"", "\"recovery_options\"", "\"maintenance_command\"",
                "\"maintenance_timeout\"");
    }

    @Test
    void dataActionsOfANodeWithAMaintenanceCommandRunItAndOtherActionsUseTheProtocol() throws Exception {
        // Given a node whose maintenance command answers done, and whose protocol port nobody serves
        Path tool = Files.writeString(dir.resolve("tool.sh"),
                "cat > /dev/null; echo '{\"outcome\":\"done\",\"detail\":\"tool ran in '\"$1\"'\"}'\n");
        RecoveryConfig cfg = ConfigLoader.parse("{\"nodes\": [{\"id\": \"n1\", \"host\": \"127.0.0.1\", "
                + "\"port\": 1, \"data_dir\": \"d\", \"maintenance_command\": [\"/bin/sh\", \"" + tool
                + "\", \"{data_dir}\"]}], \"recovery_dir\": \"r\"}", dir);

        try (HttpNodeControl protocol = HttpNodeControl.builder().nodes(cfg.nodes()).build()) {
            NodeControl control = RecoveryDaemon.nodeControl(cfg, protocol);

            // When
            ActionResult moveAside = control.execute(new Action.MoveAside(NodeId.of("n1"), Artifact.DATABASE));
            ActionResult stepDown = control.execute(new Action.StepDown(NodeId.of("n1"), Optional.empty()));

            // Then
            assertThat(moveAside).isEqualTo(ActionResult.Done.of("tool ran in " + dir.resolve("d")));
            assertThat(stepDown).isInstanceOf(ActionResult.Failed.class);
        }
    }

    @Test
    void withoutMaintenanceCommandsEveryActionUsesTheProtocol() throws Exception {
        RecoveryConfig cfg = ConfigLoader.load(config());
        try (HttpNodeControl protocol = HttpNodeControl.builder().nodes(cfg.nodes()).build()) {
            assertThat(RecoveryDaemon.nodeControl(cfg, protocol)).isSameAs(protocol);
        }
    }

    @Test
    void versionPrintsThePomsVersion() {
        String version = System.getProperty("project.version");
        assertThat(version).as("project.version, set by the pom's surefire configuration").isNotBlank();

        assertThat(run("--version")).isZero();

        assertThat(out.toString(StandardCharsets.UTF_8))
                .isEqualTo("coordinator-recovery " + version + System.lineSeparator());
    }

    @Test
    void aLogFileWhoseDirectoryIsMissingIsAUsageError() throws Exception {
        Path logFile = dir.resolve("no-such-dir").resolve("recovery.log");

        assertThat(run("--config", config().toString(), "--log-file", logFile.toString())).isEqualTo(2);

        assertThat(err()).isEqualTo("recovery: cannot open the log file " + logFile + ": its directory does not"
                + " exist (see --help)" + System.lineSeparator());
    }

    @Test
    void aLogFileIsCreatedAndStderrIsPutBackWhenTheCommandEnds() {
        // Given
        PrintStream stderr = System.err;
        Path logFile = dir.resolve("recovery.log");

        // When
        assertThat(run("--example-config", "--log-file", logFile.toString())).isZero();

        // Then
        assertThat(logFile).exists();
        assertThat(System.err).isSameAs(stderr);
    }

    @Test
    void warnsAtStartForEachSupervisedNodeWithoutAMaintenanceCommand() throws Exception {
        // Given n1 with a command and no maintenance command, n2 with both, n3 supervised by nobody
        RecoveryConfig cfg = ConfigLoader.parse("{\"nodes\": ["
                + "{\"id\": \"n1\", \"host\": \"127.0.0.1\", \"port\": 1, \"data_dir\": \"d1\","
                + " \"command\": [\"/bin/true\"]},"
                + "{\"id\": \"n2\", \"host\": \"127.0.0.1\", \"port\": 2, \"data_dir\": \"d2\","
                + " \"command\": [\"/bin/true\"], \"maintenance_command\": [\"/bin/true\"]},"
                + "{\"id\": \"n3\", \"host\": \"127.0.0.1\", \"port\": 3, \"data_dir\": \"d3\"}],"
                + " \"recovery_dir\": \"r\"}", dir);
        List<RecoveryStrategy> all = new BuiltInStrategies().strategies(n -> Settings.EMPTY);

        // When / Then
        assertThat(RecoveryDaemon.repairWarnings(cfg.nodes(), all)).containsExactly("n1: data repairs (move"
                + " aside/restore/reset) need maintenance_command; without it a damaged database or log is escalated,"
                + " not repaired");
        assertThat(RecoveryDaemon.repairWarnings(cfg.nodes(), all.stream()
                .filter(s -> s.name().equals("process_crash")).toList())).as("no data strategy on").isEmpty();
    }

    @Test
    void onlyAMaintenanceCommandReachesTheDataOfAStoppedNode() throws Exception {
        // Given n1 with a maintenance command, n2 without
        RecoveryConfig cfg = ConfigLoader.parse("{\"nodes\": ["
                + "{\"id\": \"n1\", \"host\": \"127.0.0.1\", \"port\": 1, \"data_dir\": \"d1\","
                + " \"command\": [\"/bin/true\"], \"maintenance_command\": [\"/bin/true\"]},"
                + "{\"id\": \"n2\", \"host\": \"127.0.0.1\", \"port\": 2, \"data_dir\": \"d2\","
                + " \"command\": [\"/bin/true\"]}], \"recovery_dir\": \"r\"}", dir);

        try (HttpNodeControl protocol = HttpNodeControl.builder().nodes(cfg.nodes()).build()) {
            // When the supervisor takes start and stop, as in the daemon
            NodeControl control = new SupervisedNodeControl(cfg.nodes(), new LocalProcessSupervisor(),
                    RecoveryDaemon.nodeControl(cfg, protocol), SupervisedNodeControl.DEFAULT_STOP_GRACE);

            // Then
            assertThat(control.changesDataWhileStopped(NodeId.of("n1"))).isTrue();
            assertThat(control.changesDataWhileStopped(NodeId.of("n2"))).isFalse();
        }
    }
}
