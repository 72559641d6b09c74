package org.distributedtesting.recovery.core.supervise;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.distributedtesting.recovery.NodeSpec;

/**
 * Signs that a process the supervisor neither started nor adopted may be running a node: a process that runs the
 * node's program with the node's data directory among its arguments, or a process that holds a file open in the
 * node's data directory or works in it (read from {@code /proc} on Linux; processes of other users, whose entries
 * cannot be read, are not seen). A node started by another tool (a script, systemd) leaves no pid file the
 * supervisor knows; without these signs, a paused or hung copy would look dead, and starting a second copy on one
 * data directory is the worst thing a recovery tool can do.
 *
 * <p>The node's configured address is no sign: it is where the daemon reaches the node, which may be a proxy, a
 * port forward or a load balancer that accepts connections while the node behind it is down; a supervisor that took
 * it for a live copy would never start the node again. The maintenance commands this JVM runs in the data directory
 * (and their children) are not foreign while they run ({@link #helperStarted}).
 *
 * <p>Thread-safe.
 */
final class ForeignProcess {

    private static final Path PROC = Path.of("/proc");

    /** Processes this JVM runs on a stopped node's data directory (maintenance commands), by pid. */
    private static final Set<Long> HELPERS = ConcurrentHashMap.newKeySet();

    private ForeignProcess() {
    }

    /**
     * What suggests that some process runs the node, or empty when nothing does: the supervisor may then say the
     * node's process is dead, and start it.
     *
     * @param exclude a process to leave out (the supervisor's own process of the node, when it has one)
     */
    static Optional<String> signs(NodeSpec node, Optional<Long> exclude) {
        Set<Long> own = new HashSet<>();
        own.add(ProcessHandle.current().pid());
        exclude.ifPresent(own::add);
        for (long helper : HELPERS) {
            own.add(helper);
            ProcessHandle.of(helper).ifPresent(h -> h.descendants().forEach(d -> own.add(d.pid())));
        }
        Optional<String> process = processWithDataDir(node, own);
        if (process.isPresent()) {
            return process;
        }
        return processUsingDataDir(node, own);
    }

    /**
     * Marks {@code process} as one this JVM runs on a stopped node's data directory, until {@link #helperEnded}: it
     * and its children are no sign of a foreign copy of the node.
     */
    static void helperStarted(Process process) {
        HELPERS.add(process.pid());
    }

    /** Ends what {@link #helperStarted} began; whatever of the helper's children still runs is foreign again. */
    static void helperEnded(Process process) {
        HELPERS.remove(process.pid());
    }

    /** A running process of the node's program whose arguments name the node's data directory. */
    private static Optional<String> processWithDataDir(NodeSpec node, Set<Long> own) {
        if (node.startCommand().isEmpty()) {
            return Optional.empty();
        }
        String program = baseName(node.startCommand().get(0));
        Set<String> names = programNames(node.startCommand().get(0));
        String dataDir = node.dataDir().toAbsolutePath().normalize().toString();
        return ProcessHandle.allProcesses()
                .filter(p -> !own.contains(p.pid()))
                .filter(ProcessLiveness::isRunning)
                .filter(p -> p.info().command().map(ForeignProcess::baseName).filter(names::contains).isPresent())
                .filter(p -> arguments(p).stream().anyMatch(arg -> arg.contains(dataDir)))
                .findFirst()
                .map(p -> "process " + p.pid() + " runs " + program + " with the data directory " + dataDir
                        + " in its arguments");
    }

    /**
     * A process's arguments, whole: from {@code /proc/PID/cmdline} where there is one, since the JDK's own view ends
     * at a page (a JVM node with a long class path has its {@code --data} past it); the JDK's otherwise.
     */
    private static List<String> arguments(ProcessHandle process) {
        Path cmdline = PROC.resolve(Long.toString(process.pid())).resolve("cmdline");
        try {
            String[] all = new String(Files.readAllBytes(cmdline), java.nio.charset.StandardCharsets.UTF_8)
                    .split("\0");
            return all.length <= 1 ? List.of() : List.of(all).subList(1, all.length);
        } catch (IOException | SecurityException e) {
            // no /proc (not Linux), or the process ended or is another user's: what the JDK can see
            return process.info().arguments().map(List::of).orElse(List.of());
        }
    }

    /**
     * A running process whose working directory is in the node's data directory, or that holds a file there open
     * (a database, a log segment, a lock file), whatever its program and arguments.
     */
    private static Optional<String> processUsingDataDir(NodeSpec node, Set<Long> own) {
        if (!Files.isDirectory(PROC) || !Files.isDirectory(node.dataDir())) {
            return Optional.empty();
        }
        Set<Path> roots = new HashSet<>();
        Path dataDir = node.dataDir().toAbsolutePath().normalize();
        roots.add(dataDir);
        try {
            roots.add(dataDir.toRealPath());
        } catch (IOException e) {
            // the absolute path is all there is to compare with
        }
        return ProcessHandle.allProcesses()
                .filter(p -> !own.contains(p.pid()))
                .filter(ProcessLiveness::isRunning)
                .map(p -> usage(p.pid(), roots).map(what -> "process " + p.pid() + " " + what))
                .flatMap(Optional::stream)
                .findFirst();
    }

    /** What ties process {@code pid} to one of {@code roots}: its working directory or an open file there. */
    private static Optional<String> usage(long pid, Set<Path> roots) {
        Path proc = PROC.resolve(Long.toString(pid));
        Optional<Path> cwd = link(proc.resolve("cwd"));
        if (cwd.filter(c -> within(c, roots)).isPresent()) {
            return Optional.of("works in the data directory " + cwd.get());
        }
        try (Stream<Path> fds = Files.list(proc.resolve("fd"))) {
            return fds.map(ForeignProcess::link).flatMap(Optional::stream).filter(f -> within(f, roots))
                    .findFirst().map(f -> "holds " + f + " open");
        } catch (IOException | UncheckedIOException | SecurityException e) {
            return Optional.empty(); // another user's process, or one that just ended: nothing can be seen
        }
    }

    private static Optional<Path> link(Path path) {
        try {
            return Optional.of(Files.readSymbolicLink(path));
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return Optional.empty(); // closed meanwhile, or not readable: says nothing
        }
    }

    private static boolean within(Path path, Set<Path> roots) {
        return path.isAbsolute() && roots.stream().anyMatch(path::startsWith);
    }

    /**
     * The names the program may run under: as configured, and the file it resolves to on the {@code PATH} through
     * links ({@code sh} runs as {@code dash} on Debian, and the kernel names the process by the file it runs).
     */
    private static Set<String> programNames(String command) {
        Set<String> names = new HashSet<>();
        names.add(baseName(command));
        List<Path> candidates = new ArrayList<>();
        if (command.contains("/")) {
            candidates.add(Path.of(command));
        } else {
            String path = System.getenv().getOrDefault("PATH", "");
            for (String dir : path.split(java.io.File.pathSeparator)) {
                if (!dir.isEmpty()) {
                    candidates.add(Path.of(dir, command));
                }
            }
        }
        for (Path candidate : candidates) {
            try {
                names.add(baseName(candidate.toRealPath().toString()));
                break;
            } catch (IOException | RuntimeException e) {
                // not there: try the next directory of the PATH
            }
        }
        return names;
    }

    private static String baseName(String command) {
        Path name = Path.of(command).getFileName();
        return name == null ? command : name.toString();
    }
}
