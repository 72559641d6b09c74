package org.distributedtesting.recovery.strategies.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Collectors;
import org.distributedtesting.recovery.NodeSpec;

/**
 * start.sh, stop.sh and status.sh for one stand-in node, by the {@code supervise} contract, as an operator would
 * write them for a node on another host: start launches the node detached (setsid, nohup) and writes its pid file
 * ({@code node.pid}, the name the local supervisor uses too), status answers exit 0 with the pid or 3 stopped, stop
 * sends SIGTERM, waits the grace, then SIGKILL. Each is called with {@code {id} {port} {data_dir}}; start also writes
 * the {@code RECOVERY_EPOCH} it was given to {@code epochs} in the data directory.
 */
final class SupervisionScripts {

    private SupervisionScripts() {
    }

    /** Writes the node's scripts under {@code dir/scripts/<id>} and returns that directory. */
    static Path write(Path dir, NodeSpec node) throws IOException {
        Path scripts = Files.createDirectories(dir.resolve("scripts").resolve(node.id().value()));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String launch = node.startCommand().stream().skip(1).map(SupervisionScripts::quoted)
                .map(a -> a.replace("{id}", "\"$1\"").replace("{port}", "\"$2\"").replace("{data_dir}", "\"$3\""))
                .collect(Collectors.joining(" "));
        script(scripts.resolve("start.sh"), """
                cd "$3" || exit 1
                echo "$RECOVERY_EPOCH" > epochs
                setsid nohup %s %s >> node.log 2>&1 < /dev/null &
                echo $! > node.pid
                """.formatted(quoted(java), launch));
        script(scripts.resolve("status.sh"), """
                pid=$(cat "$3/node.pid" 2>/dev/null) || { echo inactive; exit 3; }
                if kill -0 "$pid" 2>/dev/null; then echo "{\\"pid\\":$pid}"; exit 0; fi
                echo inactive; exit 3
                """);
        script(scripts.resolve("stop.sh"), """
                pid=$(cat "$3/node.pid" 2>/dev/null) || exit 0
                kill "$pid" 2>/dev/null || exit 0
                waited=0
                while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt "$RECOVERY_GRACE_SECONDS" ]; do
                  sleep 1; waited=$((waited + 1))
                done
                kill -9 "$pid" 2>/dev/null
                exit 0
                """);
        return scripts;
    }

    /** The node's {@code "supervise": {...}} object for a config file, the scripts in {@code scripts}. */
    static String superviseJson(Path scripts, int timeoutSeconds) {
        StringBuilder json = new StringBuilder("\"supervise\": {");
        for (String verb : List.of("start", "stop", "status")) {
            json.append('"').append(verb).append("\": [\"").append(scripts.resolve(verb + ".sh"))
                    .append("\", \"{id}\", \"{port}\", \"{data_dir}\"], ");
        }
        return json.append("\"timeout\": ").append(timeoutSeconds).append('}').toString();
    }

    private static void script(Path path, String body) throws IOException {
        Files.writeString(path, "#!/bin/sh\n" + body, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwx------"));
    }

    private static String quoted(String argument) {
        return argument.startsWith("{") ? argument : "'" + argument.replace("'", "'\\''") + "'";
    }
}
