package org.distributedtesting.recovery.examples.bench;

/**
 * What the scenario benchmark runs, from the command line.
 *
 * <p>Immutable and thread-safe.
 *
 * @param scenarios measured scenarios, seeds 1..scenarios
 * @param warmup    scenarios run before measuring (seeds after the measured ones), for the JIT
 * @param nodes     cluster size of each scenario
 * @param threads   threads running scenarios side by side; 1 measures one core's worth of work
 */
record ScenarioOptions(int scenarios, int warmup, int nodes, int threads) {

    /** A thousand scenarios: the campaign size the target is stated for. */
    static final int DEFAULT_SCENARIOS = 1000;
    /** 200 warm-up scenarios: the per-scenario time stops falling after about this many on this machine. */
    static final int DEFAULT_WARMUP = 200;
    /** Five nodes: the usual coordinator group. */
    static final int DEFAULT_NODES = 5;
    /** One thread: the cost on one core. */
    static final int DEFAULT_THREADS = 1;
    /** The simulator's largest cluster. */
    static final int MAX_NODES = 15;

    static final String USAGE = """
            usage: ScenarioBenchmark [--scenarios N] [--warmup W] [--nodes K] [--threads T] [--help]
              --scenarios N  measured scenarios, seeds 1..N (default %d)
              --warmup W     warm-up scenarios before measuring (default %d)
              --nodes K      nodes per simulated cluster, 1..%d (default %d)
              --threads T    threads running scenarios side by side (default %d)
            """.formatted(DEFAULT_SCENARIOS, DEFAULT_WARMUP, MAX_NODES, DEFAULT_NODES, DEFAULT_THREADS);

    /** @throws IllegalArgumentException naming the value out of range */
    ScenarioOptions {
        if (scenarios <= 0) {
            throw new IllegalArgumentException("scenarios must be > 0, but was " + scenarios);
        }
        if (warmup < 0) {
            throw new IllegalArgumentException("warmup must be >= 0, but was " + warmup);
        }
        if (nodes < 1 || nodes > MAX_NODES) {
            throw new IllegalArgumentException("nodes must be in 1.." + MAX_NODES + ", but was " + nodes);
        }
        if (threads <= 0) {
            throw new IllegalArgumentException("threads must be > 0, but was " + threads);
        }
    }

    /**
     * Reads the command line.
     *
     * @throws IllegalArgumentException naming an unknown option, a missing or malformed value, or a value out of
     *                                  range
     */
    static ScenarioOptions parse(String... args) {
        int scenarios = DEFAULT_SCENARIOS;
        int warmup = DEFAULT_WARMUP;
        int nodes = DEFAULT_NODES;
        int threads = DEFAULT_THREADS;
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            switch (option) {
                case "--scenarios" -> scenarios = number(args, ++i, option);
                case "--warmup" -> warmup = number(args, ++i, option);
                case "--nodes" -> nodes = number(args, ++i, option);
                case "--threads" -> threads = number(args, ++i, option);
                default -> throw new IllegalArgumentException("unknown option '" + option + "'");
            }
        }
        return new ScenarioOptions(scenarios, warmup, nodes, threads);
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
