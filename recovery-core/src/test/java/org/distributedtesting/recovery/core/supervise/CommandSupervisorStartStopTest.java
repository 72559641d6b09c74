package org.distributedtesting.recovery.core.supervise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.distributedtesting.recovery.core.supervise.CommandSupervisorTestSupport.RUNNING;
import static org.distributedtesting.recovery.core.supervise.CommandSupervisorTestSupport.START_BY_FILE;
import static org.distributedtesting.recovery.core.supervise.CommandSupervisorTestSupport.STATUS_BY_FILE;
import static org.distributedtesting.recovery.core.supervise.CommandSupervisorTestSupport.STOP_BY_FILE;
import static org.distributedtesting.recovery.core.supervise.CommandSupervisorTestSupport.TOKEN;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.ProcessStatus;
import org.distributedtesting.recovery.ProcessStatus.Liveness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link CommandSupervisor#start} and {@link CommandSupervisor#stop} with real scripts, and what commands get. */
class CommandSupervisorStartStopTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-02T18:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private final AtomicLong epoch = new AtomicLong();
    private final CommandSupervisor supervisor = new CommandSupervisor(() -> TOKEN, epoch::get, CLOCK);

    private CommandSupervisorTestSupport support() {
        return new CommandSupervisorTestSupport(dir);
    }

    private Path data() {
        return dir.resolve("n1");
    }

    @Test
    void startRunsTheStartCommandOfAStoppedNodeAndReturnsItsStatusAfterwards() throws Exception {
        // Given a stopped node
        NodeSpec node = support().node(START_BY_FILE, STOP_BY_FILE, STATUS_BY_FILE, TIMEOUT);

        // When
        ProcessStatus status = supervisor.start(node);

        // Then
        assertThat(status.liveness()).isEqualTo(Liveness.ALIVE);
        assertThat(status.detail()).isEqualTo("running (active)");
        assertThat(data().resolve(RUNNING)).exists();
        assertThat(Files.readString(data().resolve(CommandSupervisor.LOG_FILE)))
                .startsWith("--- 2026-12-02T18:00:00Z start by coordinator-recovery: " + dir.resolve("scripts")
                        .resolve("start.sh") + " n1 " + data() + " 127.0.0.1 7001 0");
    }

    @Test
    void startStartsNothingWhenTheStatusSaysRunning() throws Exception {
        // Given a running node
        NodeSpec node = support().node("touch \"$2/started\"\n", STOP_BY_FILE, "echo active\n", TIMEOUT);

        // When
        ProcessStatus status = supervisor.start(node);

        // Then
        assertThat(status.isAlive()).isTrue();
        assertThat(data().resolve("started")).doesNotExist();
    }

    @Test
    void startRefusesWhenTheStatusCannotTellWhetherTheProcessRuns() throws Exception {
        // Given a status command that fails
        NodeSpec node = support().node("touch \"$2/started\"\n", STOP_BY_FILE,
                "echo 'Failed to connect to bus: No such file or directory' >&2\nexit 1\n", TIMEOUT);

        // When
        SupervisionException e = catchThrowableOfType(SupervisionException.class, () -> supervisor.start(node));

        // Then a second copy is never started
        assertThat(e.getMessage()).startsWith("not starting node 'n1': the status command of 'n1' exited with code"
                + " 1, neither 0 (running) nor 3 (stopped); it printed: Failed to connect to bus")
                .endsWith("it is started only when its status command says it is stopped (exit code 3)");
        assertThat(data().resolve("started")).doesNotExist();
    }

    @Test
    void aStartCommandThatFailsIsAnErrorWithItsExitCodeAndTheEndOfItsOutput() throws Exception {
        // Given
        NodeSpec node = support().node("""
                echo 'Job for coordinator@n1.service failed because the control process exited with error code.' >&2
                echo "See 'systemctl status coordinator@n1.service' for details." >&2
                exit 1
                """, STOP_BY_FILE, STATUS_BY_FILE, TIMEOUT);

        // When
        SupervisionException e = catchThrowableOfType(SupervisionException.class, () -> supervisor.start(node));

        // Then
        assertThat(e.node()).isEqualTo(node.id());
        assertThat(e.getMessage()).startsWith("the start command of 'n1' exited with code 1 (")
                .contains("start.sh n1 ", "; it printed: Job for coordinator@n1.service failed because the control"
                        + " process exited with error code. | See 'systemctl status coordinator@n1.service' for"
                        + " details.")
                .endsWith("; its stderr is in " + data().resolve(CommandSupervisor.LOG_FILE));
    }

    @Test
    void aStartCommandThatOutlivesItsTimeoutIsKilledAndFails() throws Exception {
        // Given
        NodeSpec node = support().node("exec sleep 60\n", STOP_BY_FILE, STATUS_BY_FILE, Duration.ofMillis(500));

        // When
        SupervisionException e = catchThrowableOfType(SupervisionException.class, () -> supervisor.start(node));

        // Then
        assertThat(e.getMessage()).startsWith("the start command of 'n1' did not finish within 0.5 s, so it and its"
                + " child processes were killed (");
    }

    @Test
    void stopRunsTheStopCommandWithTheGraceAndReturnsOnceTheStatusSaysStopped() throws Exception {
        // Given a running node
        NodeSpec node = support().node(START_BY_FILE, """
                echo "$6 $RECOVERY_GRACE_SECONDS" > "$2/grace"
                rm -f "$2/running"
                """, STATUS_BY_FILE, TIMEOUT);
        Files.createFile(data().resolve(RUNNING));

        // When
        supervisor.stop(node, Duration.ofMillis(2500));

        // Then the grace, in whole seconds rounded up, as argument and in the environment
        assertThat(data().resolve(RUNNING)).doesNotExist();
        assertThat(Files.readString(data().resolve("grace")).strip()).isEqualTo("3 3");
    }

    @Test
    void stopFailsWhenTheStatusStillSaysRunning() throws Exception {
        // Given a stop command that exits 0 and stops nothing
        NodeSpec node = support().node(START_BY_FILE, "exit 0\n", STATUS_BY_FILE, TIMEOUT);
        Files.createFile(data().resolve(RUNNING));

        // When
        SupervisionException e = catchThrowableOfType(SupervisionException.class,
                () -> supervisor.stop(node, Duration.ofSeconds(1)));

        // Then
        assertThat(e.getMessage()).isEqualTo("the stop command of 'n1' exited with code 0, but its status command"
                + " still says: running (active)");
    }

    @Test
    void stopFailsWithTheExitCodeAndOutputOfAFailingStopCommand() throws Exception {
        // Given
        NodeSpec node = support().node(START_BY_FILE, "echo 'Access denied' >&2\nexit 4\n", STATUS_BY_FILE,
                TIMEOUT);

        // When
        SupervisionException e = catchThrowableOfType(SupervisionException.class,
                () -> supervisor.stop(node, Duration.ofSeconds(1)));

        // Then
        assertThat(e.getMessage()).startsWith("the stop command of 'n1' exited with code 4 (")
                .contains("; it printed: Access denied; its stderr is in ");
    }

    @Test
    void commandsGetThePlaceholdersAndTheEpochInArgvAndTheTokenOnlyInTheEnvironment() throws Exception {
        // Given
        epoch.set(17);
        NodeSpec node = support().node("""
                printf '%s\\n' "$@" > "$2/argv"
                echo "$RECOVERY_CONTROL_TOKEN $RECOVERY_EPOCH" > "$2/env"
                pwd > "$2/pwd"
                touch "$2/running"
                """, STOP_BY_FILE, STATUS_BY_FILE, TIMEOUT);

        // When
        supervisor.start(node);

        // Then
        assertThat(Files.readAllLines(data().resolve("argv")))
                .containsExactly("n1", data().toString(), "127.0.0.1", "7001", "17");
        assertThat(Files.readString(data().resolve("env")).strip()).isEqualTo(TOKEN + " 17");
        assertThat(Files.readString(data().resolve("pwd")).strip()).isEqualTo(data().toRealPath().toString());
    }

    @Test
    void theTokenNeverAppearsInAMessageNorInTheLogFile() throws Exception {
        // Given a start command that echoes the token on both streams and fails
        NodeSpec node = support().node("""
                echo "token is $RECOVERY_CONTROL_TOKEN"
                echo "auth failed with $RECOVERY_CONTROL_TOKEN" >&2
                exit 1
                """, STOP_BY_FILE, STATUS_BY_FILE, TIMEOUT);

        // When
        SupervisionException e = catchThrowableOfType(SupervisionException.class, () -> supervisor.start(node));

        // Then
        assertThat(e.getMessage()).contains("auth failed with [redacted]").doesNotContain(TOKEN);
        assertThat(Files.readString(data().resolve(CommandSupervisor.LOG_FILE)))
                .contains("auth failed with [redacted]").doesNotContain(TOKEN);
    }

    @Test
    void aStatusThatEchoesTheTokenShowsItRedacted() throws Exception {
        // Given
        NodeSpec node = support().node(START_BY_FILE, STOP_BY_FILE,
                "echo \"{\\\"pid\\\":9,\\\"detail\\\":\\\"$RECOVERY_CONTROL_TOKEN\\\"}\"\n", TIMEOUT);

        // When
        ProcessStatus status = supervisor.status(node);

        // Then
        assertThat(status.detail()).isEqualTo("running ([redacted])");
    }

    @Test
    void startAndStopOfANodeWithoutSupervisionCommandsAreProgrammerErrors() {
        // Given
        NodeSpec node = NodeSpec.of("n1", "127.0.0.1", 7001, dir);

        // When
        IllegalStateException e = catchThrowableOfType(IllegalStateException.class, () -> supervisor.start(node));

        // Then
        assertThat(e.getMessage()).isEqualTo("node 'n1' has no \"supervise\" commands in the config, so it cannot be"
                + " started by a CommandSupervisor");
    }
}
