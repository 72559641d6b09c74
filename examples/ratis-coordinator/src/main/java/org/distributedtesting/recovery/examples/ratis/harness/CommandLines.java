package org.distributedtesting.recovery.examples.ratis.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A process's whole command line. {@link ProcessHandle.Info#commandLine()} is cut off on Linux (the JDK reads a page
 * of {@code /proc/PID/cmdline}), and a node JVM's class path alone is longer than that, so its {@code --data}
 * argument fell outside; on Linux this reads the whole {@code /proc/PID/cmdline}.
 *
 * <p>Stateless and thread-safe.
 */
public final class CommandLines {

    private CommandLines() {
    }

    /** The process's arguments joined by spaces, or empty when they cannot be read. */
    public static Optional<String> of(ProcessHandle process) {
        Path cmdline = Path.of("/proc", Long.toString(process.pid()), "cmdline");
        try {
            byte[] bytes = Files.readAllBytes(cmdline);
            if (bytes.length > 0) {
                return Optional.of(new String(bytes, StandardCharsets.UTF_8).replace('\0', ' ').strip());
            }
        } catch (IOException | SecurityException e) {
            // not Linux, or the process is gone or not ours to read: what the JDK knows is all there is
        }
        return process.info().commandLine();
    }
}
