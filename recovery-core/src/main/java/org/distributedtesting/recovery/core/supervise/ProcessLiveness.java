package org.distributedtesting.recovery.core.supervise;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Whether a process that is not this JVM's child still runs. {@link ProcessHandle#isAlive()} counts a zombie (a
 * process that ended and that its parent has not reaped) as alive; an orphan's zombie lasts until the init process
 * reaps it, which in a container may be late or never. Where {@code /proc} exists, its state tells them apart.
 *
 * <p>Stateless and thread-safe.
 */
final class ProcessLiveness {

    private static final Path PROC = Path.of("/proc");
    private static final boolean HAS_PROC = Files.isDirectory(PROC.resolve("self"));

    private ProcessLiveness() {
    }

    /** Whether the process runs: alive for the JDK, and neither a zombie nor dead according to {@code /proc}. */
    static boolean isRunning(ProcessHandle process) {
        if (!process.isAlive()) {
            return false;
        }
        if (!HAS_PROC) {
            return true;
        }
        String stat;
        try {
            stat = Files.readString(PROC.resolve(Long.toString(process.pid())).resolve("stat"),
                    StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            // /proc/<pid>/stat is world-readable; if it still cannot be read, the JDK's answer is the best there is
            return true;
        }
        // "<pid> (<command>) <state> ...": the command may hold ')' itself, so the state follows the last one
        int end = stat.lastIndexOf(')');
        if (end < 0 || end + 2 >= stat.length()) {
            return true;
        }
        char state = stat.charAt(end + 2);
        return state != 'Z' && state != 'X';
    }
}
