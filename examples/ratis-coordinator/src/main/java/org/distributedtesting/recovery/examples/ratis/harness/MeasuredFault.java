package org.distributedtesting.recovery.examples.ratis.harness;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.distributedtesting.recovery.FailureType;

/**
 * The faults {@link RecoveryTimesMain} measures, each injected into a fresh cluster set up for it: the builder
 * settings it needs, how it is injected, and for a network fault when the run heals the network again.
 *
 * <p>Immutable and thread-safe.
 */
enum MeasuredFault {
    /** SIGKILL of a follower. */
    CRASH_FOLLOWER("crash_follower", h -> h, h -> h.faults().killFollower()),
    /** SIGKILL of the leader. */
    CRASH_LEADER("crash_leader", h -> h, h -> h.faults().killLeader()),
    /** A byte flipped in a follower's database file; repaired through the nodes' maintenance command. */
    DATABASE_CORRUPTION("database_corruption", b -> b.maintenance(true),
            h -> h.faults().flipDatabaseByte(h.followers().get(0))),
    /** A byte flipped in a follower's Raft log segment; repaired through the nodes' maintenance command. */
    LOG_CORRUPTION("log_corruption", b -> b.maintenance(true), h -> h.faults().flipLogByte(h.followers().get(0))),
    /** A follower's apply hangs. */
    DEADLOCK("deadlock", h -> h, h -> h.faults().hangApply(h.followers().get(0))),
    /** A follower's applies take 150 ms each, slower than the writes come. */
    SLOW_FOLLOWER("slow_follower", h -> h, h -> h.faults().slowApply(h.followers().get(0),
            Duration.ofMillis(150))),
    /** A follower's data directory filled to 95 % of its 32 MiB quota. */
    RESOURCE_EXHAUSTION("resource_exhaustion", b -> b.nodeArgs("--disk-quota", String.valueOf(32L << 20)),
            h -> h.faults().fillDisk(h.followers().get(0), 0.95)),
    /**
     * Two followers of a 5-node cluster cut off from the other nodes and from the monitor, with their direct
     * addresses configured as alternatives ({@code verify_timeout} 15 s); healed once the daemon reaches both at
     * their alternative addresses.
     */
    NETWORK_PARTITION("network_partition", b -> b.nodes(5).network(true).alternativeAddresses(true)
            .recoveryOption("verify_timeout", 15),
            h -> h.faults().partition(h.followers().subList(0, 2), true),
            (h, i) -> JournalEntry.recorded(h.journal(), "try_alternative_addresses",
                    FailureType.NETWORK_PARTITION.name(), i.node(), i.at())),
    /**
     * The leader, node-1 (election timeout up to 60 s, so that it goes on leading), cut off from the others
     * while the monitor still reaches it; healed once the daemon fenced it.
     */
    SPLIT_BRAIN("split_brain", b -> b.network(true).nodeArgsOf("node-1", "--election-timeout-max", "60000"),
            h -> {
                h.makeLeader("node-1");
                return h.faults().isolateLeader();
            },
            (h, i) -> JournalEntry.recorded(h.journal(), "recovery_verified", i.expected().name(), i.node(),
                    i.at())),
    /**
     * node-3, without pre-vote and not leading, cut off from the others while the monitor still reaches it: it
     * campaigns again and again; healed once the daemon paused its elections.
     */
    TERM_DIVERGENCE("term_divergence", b -> b.network(true).nodeArgsOf("node-3", "--pre-vote", "false"),
            h -> {
                if (h.awaitLeader().equals("node-3")) {
                    h.makeLeader("node-1");
                }
                return h.faults().isolateCampaigner("node-3");
            },
            (h, i) -> JournalEntry.actionDone(h.journal(), "pause_elections", i.node())),
    /**
     * The next 3 task inserts of a follower store a wrong payload (the fault hook {@code fault_diverge_apply});
     * one write per 500 ms, so that the nodes rest at one applied index between writes (the daemon compares
     * checksums at one index only); repaired through the nodes' maintenance command.
     */
    STATE_DIVERGENCE("state_divergence", b -> b.maintenance(true).writePause(Duration.ofMillis(500)),
            h -> h.faults().divergeApply(h.followers().get(0), 3));

    private final String key;
    private final Function<ClusterHarnessBuilder, ClusterHarnessBuilder> setup;
    private final Injector injector;
    private final HealWhen healWhen;

    MeasuredFault(String key, Function<ClusterHarnessBuilder, ClusterHarnessBuilder> setup, Injector injector) {
        this(key, setup, injector, null);
    }

    MeasuredFault(String key, Function<ClusterHarnessBuilder, ClusterHarnessBuilder> setup, Injector injector,
                  HealWhen healWhen) {
        this.key = key;
        this.setup = setup;
        this.injector = injector;
        this.healWhen = healWhen;
    }

    /** The name on the command line and in the table. */
    String key() {
        return key;
    }

    /** The builder, set up for this fault. */
    ClusterHarnessBuilder setUp(ClusterHarnessBuilder builder) {
        return setup.apply(builder);
    }

    /** Injects the fault into the started harness' cluster. */
    Injection inject(ClusterHarness harness) throws Exception {
        return injector.inject(harness);
    }

    /** Whether the run heals the fault itself (a network cut), once {@link #readyToHeal} says so. */
    boolean healedByRun() {
        return healWhen != null;
    }

    /** Whether the daemon has done what it does while the network is cut, so that the run heals it now. */
    boolean readyToHeal(ClusterHarness harness, Injection injection) {
        return healWhen.ready(harness, injection);
    }

    static MeasuredFault of(String key) {
        for (MeasuredFault f : values()) {
            if (f.key.equals(key)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown fault '" + key + "'; known: " + keys());
    }

    static List<String> keys() {
        return Arrays.stream(values()).map(MeasuredFault::key).toList();
    }

    @FunctionalInterface
    private interface Injector {
        Injection inject(ClusterHarness harness) throws Exception;
    }

    /** For a network fault: when the run heals the network again. */
    @FunctionalInterface
    private interface HealWhen {
        boolean ready(ClusterHarness harness, Injection injection);
    }
}
