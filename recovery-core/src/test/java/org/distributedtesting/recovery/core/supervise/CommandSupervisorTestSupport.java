package org.distributedtesting.recovery.core.supervise;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.SupervisionCommands;

/**
 * Real {@code /bin/sh} scripts as a node's start, stop and status commands. The node's "process" is the file
 * {@code running} in its data directory unless a test's script says otherwise.
 */
final class CommandSupervisorTestSupport {

    static final String TOKEN = "s3cret-token-71ab";
    static final String RUNNING = "running";

    /** Status: exit 0 while {@code running} exists, 3 ("inactive") otherwise. */
    static final String STATUS_BY_FILE = """
            if [ -e "$2/running" ]; then echo active; exit 0; fi
            echo inactive; exit 3
            """;
    static final String START_BY_FILE = "touch \"$2/running\"\n";
    static final String STOP_BY_FILE = "rm -f \"$2/running\"\n";

    private final Path dir;

    CommandSupervisorTestSupport(Path dir) {
        this.dir = dir;
    }

    /** The data directory of node {@code n1}, created. */
    Path dataDir() throws IOException {
        return Files.createDirectories(dir.resolve("n1"));
    }

    /**
     * Node {@code n1} on 127.0.0.1:7001 whose commands are these script bodies, each called with
     * {@code {id} {data_dir} {host} {port} {epoch}} (stop: then {@code {grace_seconds}}).
     */
    NodeSpec node(String start, String stop, String status, Duration timeout) throws IOException {
        return node(dataDir(), start, stop, status, timeout);
    }

    /** As {@link #node(String, String, String, Duration)}, with the given data directory. */
    NodeSpec node(Path dataDir, String start, String stop, String status, Duration timeout) throws IOException {
        List<String> arguments = List.of("{id}", "{data_dir}", "{host}", "{port}", "{epoch}");
        SupervisionCommands commands = new SupervisionCommands(
                command(script("start.sh", start), arguments),
                command(script("stop.sh", stop), List.of("{id}", "{data_dir}", "{host}", "{port}", "{epoch}",
                        "{grace_seconds}")),
                command(script("status.sh", status), arguments), timeout);
        return new NodeSpec(NodeId.of("n1"), "127.0.0.1", 7001, dataDir, List.of(), List.of()).withSupervision(
                commands);
    }

    private static List<String> command(Path script, List<String> arguments) {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(script.toString()), arguments.stream())
                .toList();
    }

    private Path script(String name, String body) throws IOException {
        Path script = Files.writeString(Files.createDirectories(dir.resolve("scripts")).resolve(name),
                "#!/bin/sh\n" + body, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }
}
