package org.distributedtesting.recovery.examples.ratis.demo;

import static org.awaitility.Awaitility.await;

import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.distributedtesting.recovery.examples.ratis.harness.ClusterHarness;
import org.distributedtesting.recovery.examples.ratis.harness.ClusterHealth;
import org.distributedtesting.recovery.examples.ratis.harness.ClusterState;
import org.distributedtesting.recovery.examples.ratis.harness.Injection;
import org.distributedtesting.recovery.examples.ratis.harness.JournalEntry;
import org.distributedtesting.recovery.examples.ratis.harness.TaskWriter;

/**
 * The main job's demo: the recovery daemon keeping a real 3-node Apache Ratis coordinator cluster alive through
 * nine real faults, one after another.
 *
 * <pre>
 * mvn -B -q install -DskipTests &amp;&amp; java -jar examples/ratis-coordinator/target/ratis-demo.jar [--keep]
 *     [--daemon-jar PATH]
 * </pre>
 *
 * It starts three coordinator nodes on 127.0.0.1 (child JVMs from this same jar, ports picked at run time, data in
 * a temporary directory), a client writing tasks continuously, and the daemon ({@code recovery.jar --daemon
 * --interval 1}, a child process supervising the nodes and repairing their data through the nodes' maintenance
 * command, also this jar). Then, each once the cluster is healthy again: SIGKILL of a follower, SIGKILL of the
 * leader, a byte flipped in a node's database file, a byte flipped in a node's Raft log segment, a hung apply, a
 * slow follower, a disk filled under its quota. The timeline shows each injection and the daemon's own lines
 * (detected, every action and rung, recovered) in seconds since the start; then a summary per fault, the writes,
 * and the final check: the same state checksum at the same applied index on every node and every acknowledged task
 * in every node's database.
 *
 * <p>Exit code 0 only when every fault was recovered within its bound, the cluster was healthy after each, and the
 * final check held; 1 otherwise; 2 for a usage error (such as a missing daemon jar). Ctrl-C or SIGTERM stop the
 * daemon and every node it started (a shutdown hook), and delete the directory unless {@code --keep}.
 */
public final class RatisDemo {

    /** How long the daemon may take to verify the recovery of one fault (the slow follower takes about 40 s). */
    static final Duration RECOVERY_BOUND = Duration.ofSeconds(120);

    /** How long the cluster may take to be healthy again, before a fault and after its recovery. */
    static final Duration HEALTHY_BOUND = Duration.ofSeconds(90);

    /** Each node's disk quota: small, so that the disk fault fills it in a moment. */
    static final long DISK_QUOTA = 64L << 20;


    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    static final String USAGE_TEXT = """
            usage: java -jar ratis-demo.jar [--keep] [--daemon-jar PATH] [--help]
              --keep             keep the cluster's directory (data, logs, journal) and print where it is
              --daemon-jar PATH  the recovery daemon's jar (default: recovery-strategies/target/recovery.jar under
                                 the current directory, or in the build this jar belongs to)
              --help             print this""";

    /** Held, so that its level stays set (java.util.logging keeps loggers weakly). */
    private static final java.util.logging.Logger GRPC_LOGGER =
            java.util.logging.Logger.getLogger("org.apache.ratis.thirdparty.io.grpc");

    private final PrintStream out;
    private final boolean keep;
    private final Path daemonJar;
    private final Instant start = Instant.now();
    private final DemoTimeline timeline;
    private final AtomicBoolean finished = new AtomicBoolean();
    private final AtomicBoolean interrupted = new AtomicBoolean();
    private final Map<String, Instant> lastTargeted = new HashMap<>();

    private RatisDemo(PrintStream out, boolean keep, Path daemonJar) {
        this.out = out;
        this.keep = keep;
        this.daemonJar = daemonJar;
        this.timeline = new DemoTimeline(out, start);
    }

    /** Runs the demo and exits with its code; see the class comment. */
    public static void main(String[] args) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        // gRPC (inside the writer's Ratis client) logs through java.util.logging: keep its INFO off the timeline
        GRPC_LOGGER.setLevel(java.util.logging.Level.WARNING);
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs the demo.
     *
     * @return the exit code: 0 passed, 1 failed, 2 usage error
     */
    static int run(String[] args, PrintStream out, PrintStream err) {
        boolean keep = false;
        Path jar = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--help", "-h" -> {
                    out.println(USAGE_TEXT);
                    return OK;
                }
                case "--keep" -> keep = true;
                case "--daemon-jar" -> {
                    if (i + 1 >= args.length) {
                        err.println("ratis-demo: --daemon-jar needs a path\n" + USAGE_TEXT);
                        return USAGE;
                    }
                    jar = Path.of(args[++i]).toAbsolutePath().normalize();
                }
                default -> {
                    err.println("ratis-demo: unknown option '" + args[i] + "'\n" + USAGE_TEXT);
                    return USAGE;
                }
            }
        }
        if (jar != null && !Files.isRegularFile(jar)) {
            err.println("ratis-demo: the daemon jar " + jar + " (--daemon-jar) does not exist; build it with"
                    + " 'mvn -B -q install -DskipTests' at the repository's root");
            return USAGE;
        }
        if (jar == null) {
            List<Path> tried = defaultDaemonJars();
            Optional<Path> found = tried.stream().filter(Files::isRegularFile).findFirst();
            if (found.isEmpty()) {
                err.println("ratis-demo: the daemon jar is not at " + tried.stream().map(Path::toString)
                        .distinct().toList() + "; build it with 'mvn -B -q install -DskipTests' at the repository's"
                        + " root, or pass --daemon-jar PATH");
                return USAGE;
            }
            jar = found.get();
        }
        return new RatisDemo(out, keep, jar).run();
    }

    /** Where the daemon jar is looked for: under the current directory, then in the build this code comes from. */
    static List<Path> defaultDaemonJars() {
        List<Path> candidates = new ArrayList<>();
        candidates.add(ClusterHarness.DAEMON_JAR_IN_BUILD.toAbsolutePath().normalize());
        try {
            Path here = Path.of(RatisDemo.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path dir = here.getParent(); dir != null; dir = dir.getParent()) {
                Path candidate = dir.resolve(ClusterHarness.DAEMON_JAR_IN_BUILD);
                if (Files.isRegularFile(candidate)) {
                    candidates.add(candidate);
                    break;
                }
            }
        } catch (URISyntaxException | RuntimeException e) {
            // no code source location (an unusual class loader): only the current directory is looked at
        }
        return candidates;
    }

    private int run() {
        ClusterHarness cluster;
        try {
            cluster = ClusterHarness.builder().nodes(3).maintenance(true).network(true).keepFiles(keep)
                    .daemonJar(daemonJar).nodeArgs("--disk-quota", String.valueOf(DISK_QUOTA))
                    // the split brain's leader: cut off, it goes on leading until the daemon fences it (Ratis steps
                    // a leader down once it has heard no majority for its maximum election timeout, 800 ms)
                    .nodeArgsOf(DemoFault.STALE_LEADER, "--election-timeout-max",
                            String.valueOf(DemoFault.STALE_LEADER_TIMEOUT.toMillis()))
                    // nine faults on one cluster within minutes: a recovered node may be hit again after 5 s
                    // (default 30 s), and the actions of all nine recoveries fit the global budget (default 30)
                    .recoveryOption("node_cooldown", 5).recoveryOption("action_budget", 100)
                    .build();
        } catch (Exception e) {
            out.println("FAILED: cannot create the cluster's directory: " + e.getMessage());
            return FAILED;
        }
        Thread hook = new Thread(() -> onInterrupt(cluster), "ratis-demo-interrupted");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return run(cluster);
        } finally {
            finished.set(true);
            timeline.close();
            cluster.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down already; the hook runs
            }
            if (!interrupted.get()) { // else the shutdown hook stopped everything and says so
                out.println(keep ? "kept " + cluster.root() + " (cluster.json, recovery/" + JournalEntry.FILE_NAME
                        + ", daemon/daemon.out and daemon.err, node-N/node.log and maintenance.log)"
                        : "stopped the daemon and every node; deleted " + cluster.root());
            }
        }
    }

    private void onInterrupt(ClusterHarness cluster) {
        if (finished.get()) {
            return;
        }
        interrupted.set(true);
        timeline.silence();
        System.err.println("ratis-demo: interrupted; stopping the daemon and every node it started");
        cluster.close();
        System.err.println("ratis-demo: stopped" + (keep ? "; kept " + cluster.root() : ""));
    }

    private int run(ClusterHarness cluster) {
        out.println("Coordinator Recovery on a real cluster: 3 Apache Ratis coordinator nodes (gRPC, SQLite) on"
                + " 127.0.0.1, a client writing tasks, and the recovery daemon (" + daemonJar.getFileName()
                + " --daemon --interval 1), every link through a fault proxy; nine faults, each once the cluster is"
                + " healthy again");
        out.println("data, logs and journal in " + cluster.root());
        out.println();
        TaskWriter writer;
        try {
            cluster.start();
            writer = cluster.startWriter("task");
            writer.awaitMoreAccepted(20, ClusterHarness.WAIT);
        } catch (Exception | AssertionError e) {
            if (!interrupted.get()) {
                out.println("FAILED: the cluster did not start: " + e.getMessage());
                cluster.printDiagnostics(out);
            }
            return FAILED;
        }
        timeline.line(Instant.now(), "STARTED    nodes " + cluster.ids() + ", leader " + cluster.agreedLeader()
                .orElse("?") + ", daemon pid " + cluster.daemon().pid() + ", writer accepting tasks");
        timeline.relay(cluster.daemon()::lines);
        List<FaultOutcome> outcomes = new ArrayList<>();
        String stoppedBecause = null;
        for (DemoFault fault : DemoFault.values()) {
            if (stoppedBecause != null) {
                outcomes.add(FaultOutcome.notInjected(fault, "not injected: " + stoppedBecause));
                continue;
            }
            Optional<String> unhealthy = awaitHealthy(cluster);
            if (unhealthy.isPresent()) {
                stoppedBecause = "the cluster was not healthy within " + HEALTHY_BOUND.toSeconds() + " s: "
                        + unhealthy.get();
                timeline.line(Instant.now(), "STOPPING   " + stoppedBecause);
                outcomes.add(FaultOutcome.notInjected(fault, "not injected: " + stoppedBecause));
                continue;
            }
            outcomes.add(injectAndAwait(cluster, fault));
        }
        writer.close();
        timeline.line(Instant.now(), "WRITER     stopped: " + writer);
        Optional<ClusterState> state;
        String finalProblem = null;
        try {
            state = Optional.of(cluster.awaitConsistent(writer.accepted(), HEALTHY_BOUND));
            timeline.line(Instant.now(), "CHECKED    every node at the same applied index with the same checksum,"
                    + " every acknowledged task on every node");
        } catch (RuntimeException e) {
            state = Optional.empty();
            finalProblem = e.getMessage();
            timeline.line(Instant.now(), "CHECK FAILED " + finalProblem);
        }
        timeline.close();
        boolean passed = printSummary(outcomes, writer, state, finalProblem);
        if (!passed && !interrupted.get()) {
            cluster.printDiagnostics(out);
            if (!keep) {
                out.println("(run again with --keep to keep every log and the journal)");
            }
        }
        return passed ? OK : FAILED;
    }

    private FaultOutcome injectAndAwait(ClusterHarness cluster, DemoFault fault) {
        String node = target(cluster, fault);
        Injection injection;
        try {
            injection = fault.inject(cluster, node);
        } catch (Exception e) {
            timeline.line(Instant.now(), "NOT INJECTED " + fault.key() + " on " + node + ": " + e.getMessage());
            return FaultOutcome.notInjected(fault, "injection failed: " + e.getMessage());
        }
        lastTargeted.put(node, injection.at());
        timeline.line(injection.at(), "INJECTED   " + fault.key() + " on " + node + ": " + injection.detail()
                + " (the daemon should find " + injection.expected().name().toLowerCase(java.util.Locale.ROOT)
                + ")");
        if (fault.healedByDemo()) {
            healWhenReady(cluster, fault, injection);
        }
        boolean settled = awaitSettled(cluster, fault, injection);
        timeline.drain();
        if (!settled) {
            FaultOutcome outcome = FaultOutcome.of(fault, injection, cluster.journal(), Optional.of("not settled"))
                    .failed("not recovered within " + RECOVERY_BOUND.toSeconds() + " s");
            timeline.line(Instant.now(), "FAILED     " + fault.key() + " on " + node + ": " + outcome.outcome());
            return outcome;
        }
        Optional<String> unhealthy = awaitHealthy(cluster);
        FaultOutcome outcome = FaultOutcome.of(fault, injection, cluster.journal(), unhealthy);
        if (outcome.ok()) {
            timeline.line(Instant.now(), "HEALTHY    " + fault.key() + ": all nodes answer and follow "
                    + cluster.agreedLeader().orElse("?") + ", caught up, checks passing, the daemon idle; "
                    + FaultOutcome.seconds(Duration.between(injection.at(), Instant.now())) + " after the injection");
        } else {
            timeline.line(Instant.now(), "FAILED     " + fault.key() + " on " + node + ": " + outcome.outcome());
        }
        return outcome;
    }

    /** Heals the network once the daemon has done its part (see {@link DemoFault#readyToHeal}), or after the bound. */
    private void healWhenReady(ClusterHarness cluster, DemoFault fault, Injection injection) {
        try {
            await("the daemon to handle " + injection).atMost(RECOVERY_BOUND).pollInterval(Duration.ofMillis(200))
                    .until(() -> fault.readyToHeal(injection, cluster.journal()));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            timeline.line(Instant.now(), "NOT HANDLED " + fault.key() + " within " + RECOVERY_BOUND.toSeconds()
                    + " s; healing the network anyway");
        }
        timeline.drain();
        cluster.faults().healNetwork();
        timeline.line(Instant.now(), "HEALED     the network: every link delivers again");
    }

    /** The leader for a fault that hits it; else the follower left alone the longest. */
    private String target(ClusterHarness cluster, DemoFault fault) {
        if (fault == DemoFault.SPLIT_BRAIN) {
            return DemoFault.STALE_LEADER; // made leader first by the injection
        }
        String leader = cluster.awaitLeader();
        if (fault.hitsLeader()) {
            return leader;
        }
        return cluster.ids().stream().filter(id -> !id.equals(leader))
                .min(Comparator.comparing((String id) -> lastTargeted.getOrDefault(id, Instant.MIN))
                        .thenComparing(Comparator.naturalOrder()))
                .orElseThrow();
    }

    /** Waits until the journal shows the injected failure verified recovered, escalated or cleared. */
    private boolean awaitSettled(ClusterHarness cluster, DemoFault fault, Injection injection) {
        try {
            await("the daemon to settle " + injection).atMost(RECOVERY_BOUND).pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        return FaultOutcome.of(fault, injection, cluster.journal(), Optional.empty()).settled();
                    });
            return true;
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            return false;
        }
    }

    /** Waits until {@link ClusterHealth} finds nothing wrong; empty when it did, else the last problem. */
    private Optional<String> awaitHealthy(ClusterHarness cluster) {
        AtomicReference<Optional<String>> last = new AtomicReference<>(Optional.of("not checked"));
        try {
            await("a healthy cluster").atMost(HEALTHY_BOUND).pollInterval(Duration.ofMillis(250)).until(() -> {
                last.set(cluster.health().problem());
                return last.get().isEmpty();
            });
            return Optional.empty();
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            return last.get();
        }
    }

    private boolean printSummary(List<FaultOutcome> outcomes, TaskWriter writer, Optional<ClusterState> state,
                                 String finalProblem) {
        List<TaskWriter.Write> writes = writer.writes();
        long acknowledged = writes.stream().filter(TaskWriter.Write::acknowledged).count();
        long accepted = writes.stream().filter(TaskWriter.Write::accepted).count();
        long recovered = outcomes.stream().filter(FaultOutcome::ok).count();
        timeline.plain("");
        timeline.plain("summary (seconds of wall-clock time; detected and recovered are counted from the injection)");
        timeline.plain(FaultOutcome.header());
        outcomes.forEach(o -> timeline.plain(o.row(start)));
        timeline.plain("  writes: " + writes.size() + " submitted, " + acknowledged + " acknowledged (" + accepted
                + " accepted, " + (acknowledged - accepted) + " refused), " + (writes.size() - acknowledged)
                + " not acknowledged (timed out while a leader was being replaced: may or may not be there)");
        state.ifPresentOrElse(s -> timeline.plain("  final check: leader " + s.leader() + "; every node at applied"
                        + " index " + s.appliedIndex() + " with checksum " + s.checksum() + "; all " + accepted
                        + " accepted tasks present on every node (tasks per node " + s.tasks() + ")"),
                () -> timeline.plain("  final check: FAILED: " + finalProblem));
        boolean passed = recovered == outcomes.size() && state.isPresent();
        String took = FaultOutcome.seconds(Duration.between(start, Instant.now()));
        if (passed) {
            timeline.plain("PASSED: " + recovered + " of " + outcomes.size() + " faults detected and recovered by"
                    + " the daemon, the cluster healthy after each; the same checksum at the same index on every"
                    + " node and every acknowledged write on every node (" + took + ")");
        } else {
            List<String> why = new ArrayList<>();
            outcomes.stream().filter(o -> !o.ok()).forEach(o -> why.add(o.fault().key() + ": " + o.outcome()));
            if (state.isEmpty()) {
                why.add("final check: " + finalProblem);
            }
            timeline.plain("FAILED: " + recovered + " of " + outcomes.size() + " faults recovered; " + String.join(
                    "; ", why) + " (" + took + ")");
        }
        return passed;
    }
}
