package org.distributedtesting.recovery.core.supervise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.distributedtesting.recovery.core.supervise.CommandSupervisorTestSupport.STATUS_BY_FILE;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.ProcessStatus;
import org.distributedtesting.recovery.ProcessStatus.Liveness;
import org.distributedtesting.recovery.SupervisionCommands;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link CommandSupervisor#status}: real status scripts, every answer of the contract and every way outside it. */
class CommandSupervisorStatusTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private final CommandSupervisor supervisor = new CommandSupervisor();
    /** A background process a script started, killed after each test whatever it did. */
    private Optional<ProcessHandle> straggler = Optional.empty();

    @AfterEach
    void killStraggler() {
        straggler.ifPresent(ProcessHandle::destroyForcibly);
    }

    private NodeSpec nodeWithStatus(String status) throws Exception {
        return new CommandSupervisorTestSupport(dir).node("exit 0\n", "exit 0\n", status, TIMEOUT);
    }

    @Test
    void exitCodeZeroIsRunningWithThePidAndDetailOfTheJsonLine() throws Exception {
        // Given
        NodeSpec node = nodeWithStatus("echo '{\"pid\":4242,\"detail\":\"up since 10:02\"}'\n");

        // When
        ProcessStatus status = supervisor.status(node);

        // Then
        assertThat(status.liveness()).isEqualTo(Liveness.ALIVE);
        assertThat(status.pid()).hasValue(4242);
        assertThat(status.detail()).isEqualTo("running (up since 10:02)");
    }

    @Test
    void exitCodeZeroWithSystemctlsWordIsRunning() throws Exception {
        // Given what systemctl is-active prints for a running unit
        NodeSpec node = nodeWithStatus("echo active\n");

        // When
        ProcessStatus status = supervisor.status(node);

        // Then
        assertThat(status.liveness()).isEqualTo(Liveness.ALIVE);
        assertThat(status.pid()).isEmpty();
        assertThat(status.detail()).isEqualTo("running (active)");
    }

    @Test
    void exitCodeThreeIsStopped() throws Exception {
        // Given what systemctl is-active prints for a unit whose process was killed
        NodeSpec node = nodeWithStatus("echo failed\nexit 3\n");

        // When
        ProcessStatus status = supervisor.status(node);

        // Then
        assertThat(status.liveness()).isEqualTo(Liveness.DEAD);
        assertThat(status.detail()).isEqualTo("stopped (failed)");
        assertThat(status.endedByItself()).isFalse();
    }

    @Test
    void aStoppedProcessCarriesTheExitCodeTheCommandReports() throws Exception {
        // Given
        NodeSpec node = nodeWithStatus("echo '{\"exit_code\":2}'\nexit 3\n");

        // When
        ProcessStatus status = supervisor.status(node);

        // Then a process that ended by itself, so that its data is checked (OfflineChecks)
        assertThat(status.liveness()).isEqualTo(Liveness.DEAD);
        assertThat(status.exitCode()).hasValue(2);
        assertThat(status.endedByItself()).isTrue();
        assertThat(status.detail()).isEqualTo("stopped with exit code 2");
    }

    @Test
    void exitCodeThreeWhileSystemdStopsTheUnitIsUnknown() throws Exception {
        // Given systemctl is-active during a stop: exit 3, but the process may still run
        NodeSpec node = nodeWithStatus("echo deactivating\nexit 3\n");

        // When
        ProcessStatus status = supervisor.status(node);

        // Then
        assertThat(status.liveness()).isEqualTo(Liveness.UNKNOWN);
        assertThat(status.detail()).contains("says 'deactivating'", "may run");
    }

    @Test
    void anyOtherExitCodeIsUnknownAndSaysWhatTheCommandPrinted() throws Exception {
        // Given ssh that cannot reach the host (exit 255)
        NodeSpec node = nodeWithStatus("echo 'ssh: connect to host db-3 port 22: Connection refused' >&2\n"
                + "exit 255\n");

        // When
        ProcessStatus status = supervisor.status(node);

        // Then never "stopped": the process may run on a host the daemon cannot reach
        assertThat(status.liveness()).isEqualTo(Liveness.UNKNOWN);
        assertThat(status.detail()).isEqualTo("the status command of 'n1' exited with code 255, neither 0 (running)"
                + " nor 3 (stopped); it printed: ssh: connect to host db-3 port 22: Connection refused");
    }

    @Test
    void aCommandThatOutlivesItsTimeoutIsKilledWithItsChildrenAndTheStatusIsUnknown() throws Exception {
        // Given a status command that hangs, with a child of its own
        NodeSpec node = new CommandSupervisorTestSupport(dir).node("exit 0\n", "exit 0\n", """
                sleep 60 &
                echo $! > "$2/child.pid"
                wait
                """, Duration.ofMillis(500));

        // When
        ProcessStatus status = supervisor.status(node);

        // Then
        assertThat(status.liveness()).isEqualTo(Liveness.UNKNOWN);
        assertThat(status.detail()).startsWith("the status command of 'n1' did not answer within 0.5 s"
                + " (nodes[].supervise.timeout), so it and its child processes were killed");
        long child = Long.parseLong(Files.readString(dir.resolve("n1").resolve("child.pid")).strip());
        straggler = ProcessHandle.of(child);
        await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(child).map(p -> !p.isAlive())
                .orElse(true));
    }

    @Test
    void aCommandThatCannotStartIsUnknown() throws Exception {
        // Given
        Path missing = dir.resolve("no-such-program");
        NodeSpec node = NodeSpec.of("n1", "127.0.0.1", 7001, dir).withSupervision(new SupervisionCommands(
                List.of("true"), List.of("true"), List.of(missing.toString())));

        // When
        ProcessStatus status = supervisor.status(node);

        // Then
        assertThat(status.liveness()).isEqualTo(Liveness.UNKNOWN);
        assertThat(status.detail()).startsWith("could not run the status command of 'n1': ")
                .contains(missing.toString());
    }

    @Test
    void jsonOutsideTheContractIsUnknownRatherThanItsExitCode() throws Exception {
        // Given a status that exits 3 (stopped) but prints a pid that is no pid
        NodeSpec node = nodeWithStatus("echo '{\"pid\":\"abc\"}'\nexit 3\n");

        // When
        ProcessStatus status = supervisor.status(node);

        // Then
        assertThat(status.liveness()).isEqualTo(Liveness.UNKNOWN);
        assertThat(status.detail()).isEqualTo("the status command of 'n1' printed a pid that is not a whole number"
                + " > 0: \"abc\"");
    }

    @Test
    void anUnknownJsonKeyIsUnknown() throws Exception {
        // Given
        NodeSpec node = nodeWithStatus("echo '{\"state\":\"stopped\"}'\nexit 3\n");

        // When
        ProcessStatus status = supervisor.status(node);

        // Then
        assertThat(status.liveness()).isEqualTo(Liveness.UNKNOWN);
        assertThat(status.detail()).contains("unknown key 'state'", "pid, exit_code and detail");
    }

    @Test
    void aTokenThatCannotBeReadMakesTheStatusUnknownInsteadOfThrowing() throws Exception {
        // Given a token supplier that fails, as a token file that became unreadable does
        CommandSupervisor failing = new CommandSupervisor(() -> {
            throw new IllegalStateException("control token file /etc/recovery/token is empty");
        }, () -> 0, Clock.systemUTC());
        NodeSpec node = nodeWithStatus("echo active\n");

        // When
        ProcessStatus status = failing.status(node);

        // Then
        assertThat(status.liveness()).isEqualTo(Liveness.UNKNOWN);
        assertThat(status.detail()).isEqualTo("could not run the status command of 'n1': control token file"
                + " /etc/recovery/token is empty");
    }

    @Test
    void aNodeWithoutSupervisionCommandsIsUnknown() {
        // Given
        NodeSpec node = NodeSpec.of("n1", "127.0.0.1", 7001, dir);

        // When
        ProcessStatus status = supervisor.status(node);

        // Then
        assertThat(status.liveness()).isEqualTo(Liveness.UNKNOWN);
        assertThat(status.detail()).isEqualTo("node 'n1' has no supervise commands");
    }

    @Test
    void aQuietStatusLeavesNoLogLinesButOneThatWritesStderrIsLogged() throws Exception {
        // Given
        CommandSupervisorTestSupport support = new CommandSupervisorTestSupport(dir);
        NodeSpec quiet = support.node("exit 0\n", "exit 0\n", STATUS_BY_FILE, TIMEOUT);
        Path log = dir.resolve("n1").resolve(CommandSupervisor.LOG_FILE);

        // When
        supervisor.status(quiet);

        // Then
        assertThat(log).doesNotExist();

        // When a status writes to stderr
        NodeSpec noisy = support.node("exit 0\n", "exit 0\n", "echo 'unit file changed on disk' >&2\nexit 0\n",
                TIMEOUT);
        supervisor.status(noisy);

        // Then
        assertThat(Files.readString(log)).contains(" status by coordinator-recovery: ", "unit file changed on disk");
    }

    @Test
    void aNodeOnAnotherHostIsAskedFromTheDaemonsDirectory() throws Exception {
        // Given a data directory that does not exist on this host
        Path remote = dir.resolve("elsewhere").resolve("srv-node1");
        NodeSpec node = new CommandSupervisorTestSupport(dir).node(remote, "exit 0\n", "exit 0\n",
                "echo \"cannot reach $2\" >&2\nexit 1\n", TIMEOUT);

        // When
        ProcessStatus status = supervisor.status(node);

        // Then the data directory is neither created nor written, and the message has the end of stderr
        assertThat(status.liveness()).isEqualTo(Liveness.UNKNOWN);
        assertThat(status.detail()).endsWith("it printed: cannot reach " + remote);
        assertThat(remote).doesNotExist();
    }
}
