package org.distributedtesting.recovery.core.supervise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.ProcessStatus;
import org.distributedtesting.recovery.SupervisionCommands;
import org.junit.jupiter.api.Test;

/** A cluster with local and command-supervised nodes: each node reaches the supervisor of its kind. */
class RoutingSupervisorTest {

    private static final NodeSpec LOCAL = new NodeSpec(NodeId.of("local"), "127.0.0.1", 7001, Path.of("/srv/local"),
            List.of(), List.of("coordinator"));
    private static final NodeSpec REMOTE = NodeSpec.of("remote", "db-2.example.com", 7001, Path.of("/srv/remote"))
            .withSupervision(new SupervisionCommands(List.of("systemctl", "start", "c"),
                    List.of("systemctl", "stop", "c"), List.of("systemctl", "is-active", "c")));

    private final RecordingSupervisor local = new RecordingSupervisor(ProcessStatus.alive(1), ProcessStatus.alive(2));
    private final RecordingSupervisor commands = new RecordingSupervisor(ProcessStatus.dead("inactive"),
            ProcessStatus.alive(3));
    private final RoutingSupervisor routing = new RoutingSupervisor(local, commands);

    @Test
    void sendsEachNodeToTheSupervisorOfItsKind() throws Exception {
        // When
        routing.status(LOCAL);
        routing.start(REMOTE);
        routing.stop(LOCAL, Duration.ofSeconds(1));
        routing.stop(REMOTE, Duration.ofSeconds(2));

        // Then
        assertThat(local.calls).containsExactly("status local", "stop local PT1S");
        assertThat(commands.calls).containsExactly("start remote", "stop remote PT2S");
    }

    @Test
    void aNodeCannotHaveBothAStartCommandAndSupervisionCommands() {
        // When
        IllegalArgumentException e = catchThrowableOfType(IllegalArgumentException.class,
                () -> LOCAL.withSupervision(REMOTE.supervision().orElseThrow()));

        // Then
        assertThat(e.getMessage()).isEqualTo("node 'local' has both a start command and supervision commands; its"
                + " process is run either by this library or by those commands, not both");
    }
}
