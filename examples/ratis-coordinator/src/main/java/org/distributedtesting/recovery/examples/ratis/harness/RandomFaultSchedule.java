package org.distributedtesting.recovery.examples.ratis.harness;

import static org.awaitility.Awaitility.await;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A seeded random schedule of real faults on a {@link ClusterHarness} cluster (3 nodes, its network through fault
 * proxies, maintenance commands on), with the daemon recovering as it goes: crashes, partitions (with or without
 * the monitor), latency with jitter, database corruption, and mixes of two at once. Each fault is held for a random
 * while, network faults are then healed, and the schedule waits until the cluster is healthy again
 * ({@link ClusterHealth}) and then keeps it healthy for a settle time before the next one: the daemon counts restart
 * attempts per node until the node has been healthy for its {@code restart_cooldown}, and a schedule that crashed
 * the same node again and again without that pause would rightly see it quarantined (no loop of restarts), which is
 * the daemon's safety, not a failed recovery. Give the daemon a {@code restart_cooldown} shorter than the settle
 * time. An {@link InvariantMonitor} samples every node throughout. At the end
 * everything is healed, the writer stops, and the history is checked ({@link ClusterHarness#checkHistory}, which
 * throws an {@link AssertionError} listing the violations when it fails).
 *
 * <p>Which fault, which node and how long depend only on the seed; the cluster's own timing does not repeat
 * exactly, so two runs with one seed inject the same faults in the same order, not at the same instants.
 *
 * <p>Not thread-safe: one thread runs it.
 */
public final class RandomFaultSchedule {

    /** How long the cluster may take to be healthy again after a fault. */
    public static final Duration RECOVERY_BOUND = Duration.ofSeconds(120);

    /** The kinds of fault the schedule draws from, each equally likely. */
    public enum Kind {
        /** SIGKILL of a random node, the leader included; the daemon restarts it. */
        CRASH,
        /** A random node cut off from the others for 3 to 10 s; half the time from the monitor too. */
        PARTITION,
        /** 50 to 250 ms of latency, with up to 100 ms of jitter, on a random node's links for 5 to 12 s. */
        LATENCY,
        /** A byte flipped in a random follower's database; the daemon restores it from a replica. */
        CORRUPTION,
        /** A crash of one node while another node's links are slowed down. */
        MIXED
    }

    /**
     * What one schedule did.
     *
     * @param seed       the seed
     * @param injected   faults injected, by kind
     * @param recovered  faults after which the cluster was healthy again within {@link #RECOVERY_BOUND}, by kind
     * @param failures   the faults after which it was not, described
     * @param violations the invariant violations the monitor saw
     * @param history    the history check at the end
     * @param elapsed    how long the schedule ran, the final check included
     */
    public record Result(long seed, Map<Kind, Integer> injected, Map<Kind, Integer> recovered, List<String> failures,
                         List<String> violations, HistoryCheck history, Duration elapsed) {

        /** Faults injected in all. */
        public int injectedTotal() {
            return injected.values().stream().mapToInt(Integer::intValue).sum();
        }

        /** Faults recovered in all. */
        public int recoveredTotal() {
            return recovered.values().stream().mapToInt(Integer::intValue).sum();
        }

        /** One line per fact, for a log or the README. */
        public String summary() {
            return String.format(Locale.ROOT, "seed %d, %.0f s: %d faults injected %s, %d recovered;"
                            + " %d invariant violations; %s%s", seed, elapsed.toMillis() / 1000.0,
                    injectedTotal(), injected, recoveredTotal(), violations.size(), history.summary(),
                    failures.isEmpty() ? "" : "; not recovered: " + failures);
        }
    }

    private final ClusterHarness cluster;
    private final Random random;
    private final long seed;
    private final PrintStream out;
    private final Duration settle;

    /**
     * @param cluster a started harness built with {@code network(true)} and {@code maintenance(true)}
     * @param seed    the seed of every choice
     * @param settle  how long the cluster stays healthy between two faults; longer than the daemon's
     *                {@code restart_cooldown}
     * @param out     where each fault is reported as it happens
     */
    public RandomFaultSchedule(ClusterHarness cluster, long seed, Duration settle, PrintStream out) {
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.seed = seed;
        this.random = new Random(seed);
        this.settle = Objects.requireNonNull(settle, "settle");
        this.out = Objects.requireNonNull(out, "out");
    }

    /**
     * Injects faults for {@code duration} (the last one started before it ends), under a writer, then heals
     * everything and checks the invariants and the history.
     *
     * @throws InterruptedException if interrupted while waiting
     */
    public Result run(Duration duration) throws InterruptedException {
        Instant start = Instant.now();
        Map<Kind, Integer> injected = new LinkedHashMap<>();
        Map<Kind, Integer> recovered = new LinkedHashMap<>();
        List<String> failures = new ArrayList<>();
        TaskWriter writer = cluster.startWriter("chaos");
        writer.awaitMoreAccepted(20, ClusterHarness.WAIT);
        try (InvariantMonitor invariants = InvariantMonitor.start(cluster)) {
            int n = 0;
            while (Duration.between(start, Instant.now()).compareTo(duration) < 0) {
                Kind kind = Kind.values()[random.nextInt(Kind.values().length)];
                n++;
                double at = seconds(start);
                String what = inject(kind);
                injected.merge(kind, 1, Integer::sum);
                out.printf(Locale.ROOT, "[%5.1f s] fault %d %s: %s%n", at, n, kind, what);
                Optional<String> problem = awaitHealthy();
                if (problem.isEmpty()) {
                    recovered.merge(kind, 1, Integer::sum);
                    out.printf(Locale.ROOT, "[%5.1f s] fault %d recovered: cluster healthy%n", seconds(start), n);
                    pause(settle);
                } else {
                    failures.add(kind + " (" + what + "): " + problem.get());
                    out.printf(Locale.ROOT, "[%5.1f s] fault %d NOT recovered within %d s: %s%n", seconds(start), n,
                            RECOVERY_BOUND.toSeconds(), problem.get());
                    break;
                }
            }
            cluster.faults().healNetwork();
            writer.awaitMoreAccepted(10, ClusterHarness.WAIT);
            // stops the writer, waits for one leader and equal checksums at one applied index, and fails with every
            // violation listed if an acknowledged write is missing or duplicated, or a node holds a write never sent
            HistoryCheck history = cluster.checkHistory(writer);
            List<String> violations = invariants.violations();
            return new Result(seed, injected, recovered, failures, violations, history,
                    Duration.between(start, Instant.now()));
        } finally {
            writer.close();
        }
    }

    private String inject(Kind kind) throws InterruptedException {
        List<String> ids = cluster.ids();
        return switch (kind) {
            case CRASH -> crash(ids.get(random.nextInt(ids.size())));
            case PARTITION -> partition(ids.get(random.nextInt(ids.size())), random.nextBoolean(),
                    Duration.ofMillis(3_000 + random.nextInt(7_000)));
            case LATENCY -> latency(ids.get(random.nextInt(ids.size())), Duration.ofMillis(5_000
                    + random.nextInt(7_000)));
            case CORRUPTION -> corruption();
            case MIXED -> {
                String crashed = ids.get(random.nextInt(ids.size()));
                List<String> others = ids.stream().filter(id -> !id.equals(crashed)).toList();
                String slowed = others.get(random.nextInt(others.size()));
                Duration hold = Duration.ofMillis(5_000 + random.nextInt(5_000));
                cluster.network().latency(slowed, Duration.ofMillis(100), Duration.ofMillis(50));
                String crash = crash(crashed);
                pause(hold);
                cluster.faults().healNetwork();
                yield crash + " while '" + slowed + "' had 100 ms (+-50) latency for " + hold.toSeconds() + " s";
            }
        };
    }

    private String crash(String node) {
        return cluster.faults().kill(node, "crash").detail() + " ('" + node + "')";
    }

    private String partition(String node, boolean monitorToo, Duration hold) throws InterruptedException {
        cluster.faults().partition(List.of(node), monitorToo);
        pause(hold);
        cluster.faults().healNetwork();
        return "'" + node + "' cut off from the others" + (monitorToo ? " and the monitor" : "") + " for "
                + hold.toMillis() / 1000.0 + " s";
    }

    private String latency(String node, Duration hold) throws InterruptedException {
        Duration base = Duration.ofMillis(50 + random.nextInt(200));
        Duration jitter = Duration.ofMillis(random.nextInt(100));
        cluster.network().latency(node, base, jitter);
        pause(hold);
        cluster.faults().healNetwork();
        return base.toMillis() + " ms (+" + jitter.toMillis() + ") latency on the links of '" + node + "' for "
                + hold.toMillis() / 1000.0 + " s";
    }

    private String corruption() {
        List<String> followers = cluster.followers();
        String node = followers.get(random.nextInt(followers.size()));
        try {
            return cluster.faults().flipOldestTaskPage(node).detail() + " ('" + node + "')";
        } catch (Exception e) {
            throw new IllegalStateException("corrupting the database of '" + node + "' failed: " + e.getMessage(), e);
        }
    }

    /** Holds a fault for its duration: the schedule's own timing, not a wait for a condition. */
    private static void pause(Duration hold) throws InterruptedException {
        Thread.sleep(hold.toMillis());
    }

    private Optional<String> awaitHealthy() {
        AtomicReference<Optional<String>> last = new AtomicReference<>(Optional.of("not checked"));
        try {
            await("a healthy cluster").atMost(RECOVERY_BOUND).pollDelay(Duration.ofSeconds(2))
                    .pollInterval(Duration.ofMillis(250)).until(() -> {
                        last.set(cluster.health().problem());
                        return last.get().isEmpty();
                    });
            return Optional.empty();
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            return last.get();
        }
    }

    private static double seconds(Instant start) {
        return Duration.between(start, Instant.now()).toMillis() / 1000.0;
    }
}
