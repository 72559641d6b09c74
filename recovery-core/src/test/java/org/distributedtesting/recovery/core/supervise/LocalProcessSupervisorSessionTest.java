package org.distributedtesting.recovery.core.supervise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import org.distributedtesting.recovery.NodeSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a node's process gets from {@link LocalProcessSupervisor} beyond its command: a session of its own, so that a
 * signal to the daemon's process group does not reach it, and the control token in its environment.
 */
class LocalProcessSupervisorSessionTest extends LocalProcessTestSupport {

    private static final String TOKEN = "session-test-token-13";

    private final LocalProcessSupervisor withToken =
            new LocalProcessSupervisor(Clock.fixed(NOW, ZoneOffset.UTC), () -> " " + TOKEN + "\n");

    @AfterEach
    void closeTheOtherSupervisor() {
        withToken.close();
    }

    @Test
    void aNodeRunsInASessionAndProcessGroupOfItsOwnUnderItsOwnPid() throws IOException {
        // Given a host with setsid (util-linux), as the daemon's hosts have
        assumeThat(NewSession.program()).isPresent();
        NodeSpec node = shNode("n1", "exec sleep 300");

        // When
        long pid = start(node);

        // Then the pid recorded is the node's own, which leads its session and its process group
        await().atMost(WAIT).until(() -> ProcessHandle.of(pid).flatMap(h -> h.info().command())
                .filter(c -> c.endsWith("sleep")).isPresent());
        long[] ids = sessionAndGroup(pid);
        assertThat(ids).containsExactly(pid, pid);
        assertThat(ids[0]).isNotEqualTo(sessionAndGroup(ProcessHandle.current().pid())[0]);
        assertThat(read(pidFileOf(node)).strip()).isEqualTo(Long.toString(pid));
        assertThat(read(logOf(node))).doesNotContain("setsid");
    }

    @Test
    void aNodeGetsTheControlTokenInItsEnvironmentNeverInItsArgumentsOrLog() throws IOException {
        // Given
        NodeSpec node = shNode("n1", "printf '%s' \"$RECOVERY_CONTROL_TOKEN\" > token-seen; exec sleep 300");

        // When
        long pid = withToken.start(node).pid().orElseThrow();
        killAfterTest(pid);

        // Then
        Path seen = node.dataDir().resolve("token-seen");
        await().atMost(WAIT).until(() -> read(seen).equals(TOKEN));
        assertThat(read(logOf(node))).doesNotContain(TOKEN);
        assertThat(Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"), StandardCharsets.UTF_8))
                .doesNotContain(TOKEN);
    }

    @Test
    void aNodeStartedWithoutATokenGetsNoneEvenWhenTheDaemonHasTheVariable() throws IOException {
        // Given a supervisor without a token (the daemon's own variable, if set, is not passed on)
        NodeSpec node = shNode("n1", "printf '%s' \"${RECOVERY_CONTROL_TOKEN-unset}\" > token-seen; exec sleep 300");

        // When
        start(node);

        // Then
        Path seen = node.dataDir().resolve("token-seen");
        await().atMost(WAIT).until(() -> read(seen).equals("unset"));
    }

    /** The session id and process group id of {@code pid}, from {@code /proc/PID/stat}. */
    private static long[] sessionAndGroup(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
        // after "pid (comm) ": state ppid pgrp session
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new long[] {Long.parseLong(fields[3]), Long.parseLong(fields[2])};
    }
}
