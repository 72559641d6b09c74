package org.distributedtesting.recovery.core.supervise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.Action.Artifact;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.NodeControl;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs real {@code /bin/sh} scripts as maintenance commands. */
class MaintenanceCommandControlTest {

    private static final NodeId N1 = NodeId.of("n1");
    private static final NodeId N2 = NodeId.of("n2");
    private static final String TOKEN = "s3cret-token-9f2c";
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-02T18:00:00Z"), ZoneOffset.UTC);
    private static final NodeControl DELEGATE = action -> ActionResult.Done.of("delegate did " + action.name());
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** A background process a script started, killed after each test whatever it did. */
    private Optional<ProcessHandle> straggler = Optional.empty();

    @AfterEach
    void killStraggler() {
        straggler.ifPresent(ProcessHandle::destroyForcibly);
    }

    @Test
    void moveAsideRunsTheCommandWithTheRequestOnStdinAndReturnsItsResult() throws Exception {
        // Given a tool that saves its request and argv, and answers done
        MaintenanceCommandControl control = control(script("""
                cat > "$1/request.json"
                printf '%s\\n' "$@" > "$1/argv"
                echo '{"outcome":"done","detail":"moved the database aside","data":{"backup":"backups/db-1"}}'
                """), TIMEOUT, Optional.of(TOKEN));

        // When
        ActionResult result = control.execute(new Action.MoveAside(N1, Artifact.DATABASE));

        // Then
        assertThat(result).isEqualTo(new ActionResult.Done("moved the database aside",
                Map.of("backup", "backups/db-1")));
        JsonNode request = JSON.readTree(Files.readString(dataDir(N1).resolve("request.json")));
        assertThat(request.get("action").asText()).isEqualTo("move_aside");
        assertThat(request.get("node_id").asText()).isEqualTo("n1");
        assertThat(request.get("artifact").asText()).isEqualTo("database");
        assertThat(request.get("data_dir").asText()).isEqualTo(dataDir(N1).toString());
        assertThat(Files.readAllLines(dataDir(N1).resolve("argv")))
                .containsExactly(dataDir(N1).toString(), "n1", "127.0.0.1", "7001");
        assertThat(Files.readString(dataDir(N1).resolve(MaintenanceCommandControl.LOG_FILE)))
                .startsWith("--- 2026-12-02T18:00:00Z move_aside_database by coordinator-recovery: /bin/sh ");
    }

    @Test
    void restoreTellsTheCommandTheSourcesIdAddressAndDataDir() throws Exception {
        // Given
        MaintenanceCommandControl control = control(script("""
                cat > "$1/request.json"
                echo '{"outcome":"done","detail":"restored"}'
                """), TIMEOUT, Optional.of(TOKEN));

        // When
        ActionResult result = control.execute(new Action.Restore(N1, Artifact.DATABASE, N2));

        // Then
        assertThat(result).isEqualTo(ActionResult.Done.of("restored"));
        JsonNode request = JSON.readTree(Files.readString(dataDir(N1).resolve("request.json")));
        assertThat(request.get("action").asText()).isEqualTo("restore");
        assertThat(request.get("artifact").asText()).isEqualTo("database");
        assertThat(request.get("from").asText()).isEqualTo("n2");
        assertThat(request.get("from_address").asText()).isEqualTo("127.0.0.1:7002");
        assertThat(request.get("from_data_dir").asText()).isEqualTo(dataDir(N2).toString());
    }

    @Test
    void outcomeFailedIsAFailedResultWithTheToolsDetail() throws Exception {
        // Given
        MaintenanceCommandControl control = control(script("""
                echo '{"outcome":"failed","detail":"refused: n1 is running (node.lock is held)"}'
                """), TIMEOUT, Optional.of(TOKEN));

        // When
        ActionResult result = control.execute(new Action.Reset(N1, Artifact.LOG));

        // Then
        assertThat(result).isEqualTo(new ActionResult.Failed("refused: n1 is running (node.lock is held)"));
    }

    @Test
    void tokenIsOnlyInTheEnvironmentAndNeverInTheResult() throws Exception {
        // Given a tool that saves its environment's token and argv, and echoes the token back
        MaintenanceCommandControl control = control(script("""
                printf '%s' "$RECOVERY_CONTROL_TOKEN" > "$1/token-seen"
                printf '%s\\n' "$@" > "$1/argv"
                echo "{\\"outcome\\":\\"done\\",\\"detail\\":\\"used $RECOVERY_CONTROL_TOKEN\\",\\
                \\"data\\":{\\"t\\":\\"$RECOVERY_CONTROL_TOKEN\\"}}"
                """), TIMEOUT, Optional.of(TOKEN));

        // When
        ActionResult result = control.execute(new Action.MoveAside(N1, Artifact.LOG));

        // Then
        assertThat(Files.readString(dataDir(N1).resolve("token-seen"))).isEqualTo(TOKEN);
        assertThat(Files.readString(dataDir(N1).resolve("argv"))).doesNotContain(TOKEN);
        assertThat(Files.readString(dataDir(N1).resolve(MaintenanceCommandControl.LOG_FILE))).doesNotContain(TOKEN);
        assertThat(result).isEqualTo(new ActionResult.Done("used [redacted]", Map.of("t", "[redacted]")));
    }

    @Test
    void withoutATokenTheVariableIsAbsentEvenIfTheDaemonHasOne() throws Exception {
        // Given a control without a token (the daemon's own environment may still hold the variable)
        MaintenanceCommandControl control = control(script("""
                echo "{\\"outcome\\":\\"done\\",\\"detail\\":\\"token:${RECOVERY_CONTROL_TOKEN-unset}\\"}"
                """), TIMEOUT, Optional.empty());

        // When
        ActionResult result = control.execute(new Action.MoveAside(N1, Artifact.LOG));

        // Then
        assertThat(result).isEqualTo(ActionResult.Done.of("token:unset"));
    }

    @Test
    void theEpochReachesTheCommandInItsEnvironmentArgvAndRequest() throws Exception {
        // Given a daemon at epoch 17, and a tool that takes the epoch as an argument too
        MaintenanceCommandControl control = epochControl(script("""
                printf '%s' "$RECOVERY_EPOCH" > "$1/epoch-seen"
                printf '%s\\n' "$@" > "$1/argv"
                cat > "$1/request.json"
                echo '{"outcome":"done","detail":"moved"}'
                """), () -> 17);

        // When
        ActionResult result = control.execute(new Action.MoveAside(N1, Artifact.DATABASE));

        // Then
        assertThat(result).isEqualTo(ActionResult.Done.of("moved"));
        assertThat(Files.readString(dataDir(N1).resolve("epoch-seen"))).isEqualTo("17");
        assertThat(Files.readAllLines(dataDir(N1).resolve("argv")))
                .containsExactly(dataDir(N1).toString(), "--epoch=17", "17");
        JsonNode request = JSON.readTree(Files.readString(dataDir(N1).resolve("request.json")));
        assertThat(request.get("epoch").isIntegralNumber()).isTrue();
        assertThat(request.get("epoch").asLong()).isEqualTo(17);
    }

    @Test
    void withoutAnEpochTheVariableIsAbsentThePlaceholderIsZeroAndTheRequestHasNone() throws Exception {
        // Given a daemon without an epoch
        MaintenanceCommandControl control = epochControl(script("""
                printf '%s\\n' "$@" > "$1/argv"
                cat > "$1/request.json"
                echo "{\\"outcome\\":\\"done\\",\\"detail\\":\\"epoch:${RECOVERY_EPOCH-unset}\\"}"
                """), () -> 0);

        // When
        ActionResult result = control.execute(new Action.Reset(N1, Artifact.LOG));

        // Then
        assertThat(result).isEqualTo(ActionResult.Done.of("epoch:unset"));
        assertThat(Files.readAllLines(dataDir(N1).resolve("argv")))
                .containsExactly(dataDir(N1).toString(), "--epoch=0", "0");
        assertThat(JSON.readTree(Files.readString(dataDir(N1).resolve("request.json"))).has("epoch")).isFalse();
    }

    @Test
    void theEpochIsAskedForAtEachCommand() throws Exception {
        // Given an epoch that a takeover raises between two repairs
        AtomicLong epoch = new AtomicLong(3);
        MaintenanceCommandControl control = epochControl(script("""
                echo "{\\"outcome\\":\\"done\\",\\"detail\\":\\"epoch:$RECOVERY_EPOCH\\"}"
                """), epoch::get);

        // When
        ActionResult first = control.execute(new Action.Reset(N1, Artifact.LOG));
        epoch.set(4);
        ActionResult second = control.execute(new Action.Reset(N1, Artifact.LOG));

        // Then
        assertThat(List.of(first, second)).containsExactly(ActionResult.Done.of("epoch:3"),
                ActionResult.Done.of("epoch:4"));
    }

    @Test
    void commandThatOutlivesTheTimeoutIsKilledWithItsChildren() throws Exception {
        // Given a tool that starts a child and waits for it far longer than the timeout
        MaintenanceCommandControl control = control(script("""
                sleep 60 &
                echo $! > "$1/child.pid"
                wait
                """), Duration.ofMillis(700), Optional.of(TOKEN));

        // When
        ActionResult result = control.execute(new Action.MoveAside(N1, Artifact.DATABASE));

        // Then
        assertThat(result).isInstanceOf(ActionResult.Failed.class);
        assertThat(result.detail()).isEqualTo("the maintenance command of 'n1' for move_aside_database did not "
                + "finish within 0.7 s (recovery_options.maintenance_timeout), so it and its child processes were "
                + "killed; its stderr is in " + dataDir(N1).resolve("maintenance.log"));
        long childPid = Long.parseLong(Files.readString(dataDir(N1).resolve("child.pid")).strip());
        straggler = ProcessHandle.of(childPid);
        await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(childPid).map(p -> !p.isAlive())
                .orElse(true));
    }

    @Test
    void nonZeroExitFailsWithTheExitCodeAndTheLogFileThatHasItsStderr() throws Exception {
        // Given
        MaintenanceCommandControl control = control(script("""
                echo "cannot open the database: disk I/O error" >&2
                exit 3
                """), TIMEOUT, Optional.of(TOKEN));

        // When
        ActionResult result = control.execute(new Action.Reset(N1, Artifact.DATABASE));

        // Then
        Path log = dataDir(N1).resolve("maintenance.log");
        assertThat(result).isEqualTo(new ActionResult.Failed("the maintenance command of 'n1' for reset_database "
                + "exited with code 3; its stderr is in " + log));
        assertThat(Files.readString(log)).contains("cannot open the database: disk I/O error");
    }

    @Test
    void garbageOnStdoutFailsAndShowsWhatWasPrinted() throws Exception {
        // Given
        MaintenanceCommandControl control = control(script("echo 'all good, trust me'"), TIMEOUT,
                Optional.of(TOKEN));

        // When
        ActionResult result = control.execute(new Action.MoveAside(N1, Artifact.LOG));

        // Then
        assertThat(result).isInstanceOf(ActionResult.Failed.class);
        assertThat(result.detail()).startsWith("the maintenance command of 'n1' for move_aside_log printed a line "
                        + "that is not a result (answer is not valid JSON")
                .endsWith("): all good, trust me; its stderr is in " + dataDir(N1).resolve("maintenance.log"));
    }

    @Test
    void aResultWithoutOutcomeFailsNamingTheMember() throws Exception {
        // Given
        MaintenanceCommandControl control = control(script("echo '{\"detail\":\"ok\"}'"), TIMEOUT,
                Optional.of(TOKEN));

        // When
        ActionResult result = control.execute(new Action.MoveAside(N1, Artifact.LOG));

        // Then
        assertThat(result.detail()).contains("printed a line that is not a result (").contains("outcome");
        assertThat(result).isInstanceOf(ActionResult.Failed.class);
    }

    @Test
    void noOutputFails() throws Exception {
        // Given
        MaintenanceCommandControl control = control(script("exit 0"), TIMEOUT, Optional.of(TOKEN));

        // When
        ActionResult result = control.execute(new Action.MoveAside(N1, Artifact.LOG));

        // Then
        assertThat(result).isEqualTo(new ActionResult.Failed("the maintenance command of 'n1' for move_aside_log "
                + "printed nothing on stdout, where one JSON result line was expected (logs belong on stderr); its "
                + "stderr is in " + dataDir(N1).resolve("maintenance.log")));
    }

    @Test
    void logLinesOnStdoutBesideTheResultFail() throws Exception {
        // Given
        MaintenanceCommandControl control = control(script("""
                echo 'moving db/ aside'
                echo '{"outcome":"done","detail":"moved"}'
                """), TIMEOUT, Optional.of(TOKEN));

        // When
        ActionResult result = control.execute(new Action.MoveAside(N1, Artifact.DATABASE));

        // Then
        assertThat(result.detail()).contains("printed 2 lines on stdout, where one JSON result line was expected");
        assertThat(result).isInstanceOf(ActionResult.Failed.class);
    }

    @Test
    void oversizeOutputFails() throws Exception {
        // Given a tool that prints 200 KB on one line, more than a pipe buffer holds
        MaintenanceCommandControl control = control(script("head -c 200000 /dev/zero | tr '\\0' 'a'"), TIMEOUT,
                Optional.of(TOKEN));

        // When
        ActionResult result = control.execute(new Action.MoveAside(N1, Artifact.DATABASE));

        // Then
        assertThat(result).isEqualTo(new ActionResult.Failed("the maintenance command of 'n1' for "
                + "move_aside_database printed more than 65536 bytes on stdout, where one result line was expected; "
                + "its stderr is in " + dataDir(N1).resolve("maintenance.log")));
    }

    @Test
    void commandThatCannotStartFailsNamingIt() throws Exception {
        // Given
        NodeSpec node = node(N1, 7001, List.of(dir.resolve("no-such-tool").toString(), "{id}"));
        MaintenanceCommandControl control = new MaintenanceCommandControl(List.of(node), DELEGATE, TIMEOUT,
                () -> Optional.of(TOKEN), CLOCK);

        // When
        ActionResult result = control.execute(new Action.MoveAside(N1, Artifact.DATABASE));

        // Then
        assertThat(result).isInstanceOf(ActionResult.Failed.class);
        assertThat(result.detail()).startsWith("could not start the maintenance command of 'n1' for "
                + "move_aside_database (" + dir.resolve("no-such-tool") + " n1): ");
    }

    @Test
    void otherActionsAndNodesWithoutACommandGoToTheDelegate() throws Exception {
        // Given n1 with a command that would fail, n2 without one
        MaintenanceCommandControl control = control(script("exit 1"), TIMEOUT, Optional.of(TOKEN));

        // When
        ActionResult stop = control.execute(new Action.Stop(N1));
        ActionResult restoreOnN2 = control.execute(new Action.Restore(N2, Artifact.DATABASE, N1));

        // Then
        assertThat(stop).isEqualTo(ActionResult.Done.of("delegate did stop_node"));
        assertThat(restoreOnN2).isEqualTo(ActionResult.Done.of("delegate did restore_database"));
    }

    /** n1 runs {@code /bin/sh script {data_dir} {id} {host} {port}}; n2 has no maintenance command. */
    private MaintenanceCommandControl control(Path script, Duration timeout, Optional<String> token) {
        List<NodeSpec> nodes = List.of(
                node(N1, 7001, List.of("/bin/sh", script.toString(), "{data_dir}", "{id}", "{host}", "{port}")),
                node(N2, 7002, List.of()));
        return new MaintenanceCommandControl(nodes, DELEGATE, timeout, () -> token, CLOCK);
    }

    /** n1 runs {@code /bin/sh script {data_dir} --epoch={epoch} {epoch}}, with the given epoch. */
    private MaintenanceCommandControl epochControl(Path script, LongSupplier epoch) {
        List<NodeSpec> nodes = List.of(node(N1, 7001, List.of("/bin/sh", script.toString(), "{data_dir}",
                "--epoch={epoch}", "{epoch}")));
        return new MaintenanceCommandControl(nodes, DELEGATE, TIMEOUT, () -> Optional.of(TOKEN), epoch, CLOCK);
    }

    private NodeSpec node(NodeId id, int port, List<String> maintenance) {
        return new NodeSpec(id, "127.0.0.1", port, dataDir(id), List.of(), List.of(), maintenance);
    }

    private Path dataDir(NodeId id) {
        return dir.resolve("data").resolve(id.value()).toAbsolutePath();
    }

    private Path script(String body) throws IOException {
        Path script = Files.writeString(dir.resolve("tool.sh"), body, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }
}
