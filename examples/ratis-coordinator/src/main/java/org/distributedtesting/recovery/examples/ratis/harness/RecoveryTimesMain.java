package org.distributedtesting.recovery.examples.ratis.harness;

import static org.awaitility.Awaitility.await;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.Role;

/**
 * Measures the daemon's time to detect and to recover each fault on the real cluster: every run is a fresh 3-node
 * cluster under a continuous writer with the daemon at {@code --interval 1} (its default settings), one fault
 * injected, the journal read for the detection and the verified recovery, and the cluster checked afterwards (one
 * leader, equal checksums at the same applied index, every accepted task on every node). For crashes it also
 * measures, by polling the nodes every 50 ms, when the killed node answers again as a follower and has caught up
 * (applied within {@value #CAUGHT_UP_ENTRIES} entries of the leader's commit index), and for a killed leader when
 * Ratis had another leader. Prints one line per run and a table of medians; exits 0 when every run recovered.
 *
 * <pre>
 * mvn -B -q install -DskipTests -DskipITs -pl examples/ratis-coordinator -am
 * mvn -B -q -pl examples/ratis-coordinator dependency:build-classpath -Dmdep.outputFile=/tmp/coordinator.cp \
 *     -Dmdep.includeScope=runtime
 * java -cp "$(cat /tmp/coordinator.cp):examples/ratis-coordinator/target/classes" \
 *     org.distributedtesting.recovery.examples.ratis.harness.RecoveryTimesMain --runs 5
 * </pre>
 *
 * <p>Options: {@code --runs N} (default 5), {@code --faults NAME,...} (default all it knows: {@link MeasuredFault}),
 * {@code --daemon-jar PATH} (default {@code recovery-strategies/target/recovery.jar}), {@code --keep} (keep each
 * run's directory).
 */
public final class RecoveryTimesMain {

    /** A restarted node within this many entries of the leader's commit index has caught up. */
    public static final long CAUGHT_UP_ENTRIES = 20;

    private static final Duration RECOVERY = Duration.ofSeconds(120);

    /**
     * One measured run.
     *
     * @param fault      the fault
     * @param times      detection and recovery from the journal, empty when the run failed
     * @param newLeader  for a killed leader: when another node led
     * @param caughtUp   for a crash: when the node answered as a follower and had caught up
     * @param error      why the run failed, empty when it recovered and the cluster checked out
     */
    record Run(MeasuredFault fault, Optional<RecoveryTimes> times, Optional<Duration> newLeader,
               Optional<Duration> caughtUp, Optional<String> error) {
        boolean ok() {
            return error.isEmpty() && times.isPresent();
        }
    }

    private RecoveryTimesMain() {
    }

    /** Runs the measurements; see the class comment for the options. */
    public static void main(String[] args) {
        int runs = 5;
        List<MeasuredFault> faults = List.of(MeasuredFault.values());
        Path jar = null;
        boolean keep = false;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--runs" -> runs = Integer.parseInt(args[++i]);
                    case "--faults" -> faults = java.util.Arrays.stream(args[++i].split(",")).map(String::strip)
                            .map(MeasuredFault::of).toList();
                    case "--daemon-jar" -> jar = Path.of(args[++i]);
                    case "--keep" -> keep = true;
                    default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'");
                }
            }
            if (runs < 1) {
                throw new IllegalArgumentException("--runs must be >= 1, but was " + runs);
            }
        } catch (RuntimeException e) {
            System.err.println("RecoveryTimesMain: " + e.getMessage() + "\nusage: RecoveryTimesMain [--runs N]"
                    + " [--faults " + String.join(",", MeasuredFault.keys()) + "] [--daemon-jar PATH] [--keep]");
            System.exit(2);
            return;
        }
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        PrintStream out = System.out;
        Map<MeasuredFault, List<Run>> results = new LinkedHashMap<>();
        for (MeasuredFault fault : faults) {
            for (int run = 1; run <= runs; run++) {
                Run result = measure(fault, jar, keep);
                results.computeIfAbsent(fault, f -> new ArrayList<>()).add(result);
                out.println(line(run, result));
            }
        }
        out.println();
        printTable(results, out);
        boolean allOk = results.values().stream().flatMap(List::stream).allMatch(Run::ok);
        System.exit(allOk ? 0 : 1);
    }

    private static Run measure(MeasuredFault fault, Path jar, boolean keep) {
        ClusterHarnessBuilder builder = fault.setUp(ClusterHarness.builder().keepFiles(keep));
        if (jar != null) {
            builder.daemonJar(jar);
        }
        Optional<Duration> newLeader = Optional.empty();
        Optional<Duration> caughtUp = Optional.empty();
        Optional<RecoveryTimes> times = Optional.empty();
        ClusterHarness harness = null;
        try {
            harness = builder.build().start();
            TaskWriter writer = harness.startWriter("task");
            writer.awaitMoreAccepted(20, ClusterHarness.WAIT);
            String leaderBefore = harness.awaitLeader();
            Injection injection = fault.inject(harness);
            if (fault == MeasuredFault.CRASH_LEADER) {
                newLeader = Optional.of(sinceInjection(injection, awaitTrue(harness, h -> h.agreedLeader()
                        .filter(l -> !l.equals(leaderBefore)).isPresent())));
            }
            if (fault == MeasuredFault.CRASH_FOLLOWER || fault == MeasuredFault.CRASH_LEADER) {
                ClusterHarness h = harness;
                caughtUp = Optional.of(sinceInjection(injection, awaitTrue(harness,
                        x -> backAndCaughtUp(h, injection.node()))));
            }
            if (fault.healedByRun()) {
                ClusterHarness h = harness;
                await("the daemon to handle " + injection).atMost(RECOVERY).pollInterval(Duration.ofMillis(200))
                        .until(() -> fault.readyToHeal(h, injection));
                harness.faults().healNetwork();
            }
            times = Optional.of(harness.awaitRecovery(injection, RECOVERY));
            writer.awaitMoreAccepted(10, ClusterHarness.WAIT);
            writer.close();
            harness.awaitConsistent(writer.accepted(), ClusterHarness.WAIT);
            return new Run(fault, times, newLeader, caughtUp, Optional.empty());
        } catch (Exception | AssertionError e) {
            if (harness != null) {
                harness.printDiagnostics(System.out);
            }
            return new Run(fault, times, newLeader, caughtUp, Optional.of(e.toString()));
        } finally {
            if (harness != null) {
                harness.close();
                if (keep) {
                    System.out.println("  kept " + harness.root());
                }
            }
        }
    }

    /** The node answers as a follower of the agreed leader and applied within reach of its commit index. */
    private static boolean backAndCaughtUp(ClusterHarness harness, String node) {
        Optional<String> leader = harness.agreedLeader();
        if (leader.isEmpty() || leader.get().equals(node)) {
            return false;
        }
        Optional<NodeStatus> status = harness.statusIfUp(node);
        Optional<NodeStatus> leading = harness.statusIfUp(leader.get());
        return status.isPresent() && leading.isPresent() && status.get().role() == Role.FOLLOWER
                && status.get().appliedIndex() >= leading.get().commitIndex() - CAUGHT_UP_ENTRIES;
    }

    /** Polls every 50 ms until {@code condition} holds, and returns when it first did. */
    private static Instant awaitTrue(ClusterHarness harness, java.util.function.Predicate<ClusterHarness> condition) {
        AtomicReference<Instant> when = new AtomicReference<>();
        await().atMost(RECOVERY).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50)).until(() -> {
            Instant now = Instant.now();
            if (condition.test(harness)) {
                when.set(now);
                return true;
            }
            return false;
        });
        return when.get();
    }

    private static Duration sinceInjection(Injection injection, Instant at) {
        return Duration.between(injection.at(), at);
    }

    private static String line(int run, Run r) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-20s run %d: ", r.fault().key(), run));
        r.times().ifPresent(t -> b.append(String.format(Locale.ROOT, "detected %.1f s, recovered %.1f s by '%s'",
                seconds(t.detect()), seconds(t.recover()), t.rung())));
        r.newLeader().ifPresent(d -> b.append(String.format(Locale.ROOT, ", new leader %.1f s", seconds(d))));
        r.caughtUp().ifPresent(d -> b.append(String.format(Locale.ROOT, ", back and caught up %.1f s",
                seconds(d))));
        b.append(r.ok() ? " ok" : " FAILED: " + r.error().orElse("no verified recovery"));
        return b.toString();
    }

    private static void printTable(Map<MeasuredFault, List<Run>> results, PrintStream out) {
        out.println("| fault | runs | recovered | median detect s | median recover s | median back and caught up s"
                + " | median new leader s |");
        out.println("|---|---|---|---|---|---|---|");
        for (Map.Entry<MeasuredFault, List<Run>> e : results.entrySet()) {
            List<Run> runs = e.getValue();
            List<Run> ok = runs.stream().filter(Run::ok).toList();
            out.println(String.format(Locale.ROOT, "| %s | %d | %d | %s | %s | %s | %s |", e.getKey().key(),
                    runs.size(), ok.size(),
                    median(ok.stream().map(r -> r.times().orElseThrow().detect()).toList()),
                    median(ok.stream().map(r -> r.times().orElseThrow().recover()).toList()),
                    median(ok.stream().flatMap(r -> r.caughtUp().stream()).toList()),
                    median(ok.stream().flatMap(r -> r.newLeader().stream()).toList())));
        }
    }

    static String median(List<Duration> values) {
        if (values.isEmpty()) {
            return "-";
        }
        List<Duration> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        double median = n % 2 == 1 ? seconds(sorted.get(n / 2))
                : (seconds(sorted.get(n / 2 - 1)) + seconds(sorted.get(n / 2))) / 2;
        return String.format(Locale.ROOT, "%.1f", median);
    }

    private static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }
}
