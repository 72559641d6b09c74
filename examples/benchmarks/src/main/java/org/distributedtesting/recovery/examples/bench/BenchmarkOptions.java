package org.distributedtesting.recovery.examples.bench;

import java.time.Duration;
import java.util.Objects;

/**
 * What to measure, from the command line.
 *
 * <p>Immutable and thread-safe.
 *
 * @param nodes         simulated nodes in the engine's cluster
 * @param probeLatency  how long the probe of a healthy node takes (simulated network latency)
 * @param crashed       nodes that stay down (refused, process dead) so the detectors find something
 * @param warmup        cycles run before measuring, for the JIT and the probe thread pool
 * @param cycles        cycles measured; also the number of measured detector passes
 * @param detectorNodes nodes in the snapshot of the detector-only measurement
 * @param detectorOnly  skip the engine cycles, measure only the detector pass
 * @param blockingProbes probes park the engine's probe thread for the latency instead of completing
 *                       asynchronously from a scheduler
 */
record BenchmarkOptions(int nodes, Duration probeLatency, int crashed, int warmup, int cycles, int detectorNodes,
                        boolean detectorOnly, boolean blockingProbes) {

    /** A thousand nodes: far beyond any Raft group, so the cost shows. */
    static final int DEFAULT_NODES = 1000;
    /** 5 ms: a probe across a data centre network with a busy peer. */
    static final Duration DEFAULT_PROBE_LATENCY = Duration.ofMillis(5);
    /** 20 cycles: enough for the JIT to compile the cycle's hot paths and the probe pool to fill. */
    static final int DEFAULT_WARMUP = 20;
    /** 50 measured cycles: a stable median and p90. */
    static final int DEFAULT_CYCLES = 50;
    /** Ten thousand nodes in the detector-only snapshot. */
    static final int DEFAULT_DETECTOR_NODES = 10_000;
    /** One node in 200 is down by default, at least one. */
    static final int NODES_PER_CRASH = 200;

    static final String USAGE = """
            usage: CycleBenchmark [--nodes N] [--probe-ms P] [--cycles C] [--warmup W] [--crashed K]
                                  [--detector-nodes M] [--detector-only] [--blocking-probes] [--help]
              --nodes N           simulated nodes (default %d)
              --probe-ms P        latency of one probe in milliseconds (default %d)
              --cycles C          measured cycles and detector passes (default %d)
              --warmup W          warm-up cycles and passes (default %d)
              --crashed K         nodes that stay down (default one per %d nodes, at least one)
              --detector-nodes M  nodes in the detector-only snapshot (default %d)
              --detector-only     measure only the detector pass
              --blocking-probes   probes park a thread each for their latency (default: they complete
                                  asynchronously, as a non-blocking network client's do)
            """.formatted(DEFAULT_NODES, DEFAULT_PROBE_LATENCY.toMillis(), DEFAULT_CYCLES, DEFAULT_WARMUP,
            NODES_PER_CRASH, DEFAULT_DETECTOR_NODES);

    /**
     * @throws NullPointerException if {@code probeLatency} is null
     * @throws IllegalArgumentException if a count is out of range
     */
    BenchmarkOptions {
        Objects.requireNonNull(probeLatency, "probeLatency");
        positive("nodes", nodes);
        positive("cycles", cycles);
        positive("detectorNodes", detectorNodes);
        if (probeLatency.isNegative()) {
            throw new IllegalArgumentException("probeLatency must be >= 0, but was " + probeLatency);
        }
        if (warmup < 0) {
            throw new IllegalArgumentException("warmup must be >= 0, but was " + warmup);
        }
        if (crashed < 0 || crashed >= nodes) {
            throw new IllegalArgumentException("crashed must be in 0.." + (nodes - 1) + ", but was " + crashed);
        }
    }

    private static void positive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be > 0, but was " + value);
        }
    }

    /** The default number of crashed nodes among {@code nodes}: one per {@value #NODES_PER_CRASH}, at least one. */
    static int defaultCrashed(int nodes) {
        return Math.min(Math.max(1, nodes / NODES_PER_CRASH), nodes - 1);
    }

    /** Crashed nodes in the detector-only snapshot, at the default rate. */
    int detectorCrashed() {
        return defaultCrashed(detectorNodes);
    }

    /** What a poller that probes one node after another needs for one round. */
    Duration sequentialBaseline() {
        return probeLatency.multipliedBy(nodes);
    }

    /**
     * Reads the command line.
     *
     * @throws IllegalArgumentException naming an unknown option, a missing or malformed value, or a value out of
     *                                  range
     */
    static BenchmarkOptions parse(String... args) {
        int nodes = DEFAULT_NODES;
        long probeMs = DEFAULT_PROBE_LATENCY.toMillis();
        Integer crashed = null;
        int warmup = DEFAULT_WARMUP;
        int cycles = DEFAULT_CYCLES;
        int detectorNodes = DEFAULT_DETECTOR_NODES;
        boolean detectorOnly = false;
        boolean blockingProbes = false;
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            switch (option) {
                case "--nodes" -> nodes = number(args, ++i, option);
                case "--probe-ms" -> probeMs = number(args, ++i, option);
                case "--crashed" -> crashed = number(args, ++i, option);
                case "--warmup" -> warmup = number(args, ++i, option);
                case "--cycles" -> cycles = number(args, ++i, option);
                case "--detector-nodes" -> detectorNodes = number(args, ++i, option);
                case "--detector-only" -> detectorOnly = true;
                case "--blocking-probes" -> blockingProbes = true;
                default -> throw new IllegalArgumentException("unknown option '" + option + "'");
            }
        }
        if (probeMs < 0) {
            throw new IllegalArgumentException("--probe-ms must be >= 0, but was " + probeMs);
        }
        return new BenchmarkOptions(nodes, Duration.ofMillis(probeMs),
                crashed != null ? crashed : defaultCrashed(nodes), warmup, cycles, detectorNodes, detectorOnly,
                blockingProbes);
    }

    private static int number(String[] args, int index, String option) {
        if (index >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        try {
            return Integer.parseInt(args[index].trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a whole number, but was '" + args[index] + "'");
        }
    }
}
