package org.distributedtesting.recovery.core.supervise;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a node's process in a session and process group of its own, through util-linux's {@code setsid}: a signal
 * to the daemon's process group (a wrapper such as {@code timeout} that is stopped, a shell, Ctrl-C) must not take
 * the cluster down with the daemon. The JDK cannot start a process in a new session itself. (systemd kills a unit
 * by its control group instead, which a session does not leave: its unit needs {@code KillMode=process}.)
 *
 * <p>{@code setsid} forks only when it is a process group leader; a child the JDK starts never is, so it calls
 * {@code setsid()} and execs the node's program in place, and the pid the supervisor records is the node's own.
 *
 * <p>Stateless and thread-safe.
 */
final class NewSession {

    private static final Logger LOG = LoggerFactory.getLogger(NewSession.class);

    private NewSession() {
    }

    /** The {@code setsid} program on the {@code PATH}, or empty (with a warning) when there is none. */
    static Optional<Path> program() {
        String path = System.getenv().getOrDefault("PATH", "");
        Optional<Path> setsid = onPath("setsid", path);
        if (setsid.isPresent()) {
            return setsid;
        }
        LOG.warn("No setsid on the PATH ({}): nodes started here stay in the daemon's process group, so a signal to"
                + " that group (a wrapper such as timeout that is stopped, Ctrl-C) stops them too; install"
                + " util-linux", path);
        return Optional.empty();
    }

    /**
     * {@code command} run through {@code setsid} when there is one; {@code command} itself otherwise, and also when
     * its program cannot be found or run, so that the start fails at once with the JDK's own reason instead of
     * {@code setsid} exiting with code 127 a moment later.
     *
     * @param workingDir the directory the process runs in, against which a relative program path resolves
     */
    static List<String> command(Optional<Path> setsid, List<String> command, Path workingDir) {
        if (setsid.isEmpty() || command.isEmpty() || !runnable(command.get(0), workingDir)) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(command.size() + 1);
        wrapped.add(setsid.get().toString());
        wrapped.addAll(command);
        return List.copyOf(wrapped);
    }

    /** Whether {@code program} names an executable file, as the process's {@code exec} would look it up. */
    private static boolean runnable(String program, Path workingDir) {
        if (program.contains("/")) {
            Path file = workingDir.resolve(program);
            return Files.isRegularFile(file) && Files.isExecutable(file);
        }
        return onPath(program, System.getenv().getOrDefault("PATH", "")).isPresent();
    }

    private static Optional<Path> onPath(String program, String path) {
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate;
            try {
                candidate = Path.of(dir, program);
            } catch (RuntimeException e) {
                continue; // a PATH entry that is no path: exec skips it too
            }
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
