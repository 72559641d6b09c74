package org.distributedtesting.recovery.examples.bench;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link DaemonFootprint} measures, from the command line.
 *
 * <p>Immutable and thread-safe.
 *
 * @param nodes  stand-in nodes the daemon watches
 * @param peers  peers whose reachability each stand-in reports (the next ones in node order); all others by default
 * @param warmup cycles the daemon completes before the measuring window opens
 * @param cycles cycles in the measuring window: CPU per cycle is the CPU time of the window over these
 * @param xmx    the {@code -Xmx} passed to the daemon, such as {@code 128m}; empty for the JVM's default
 * @param jar    the daemon's packaged jar
 */
record FootprintOptions(int nodes, int peers, int warmup, int cycles, Optional<String> xmx, Path jar) {

    /** Three nodes: the smallest Raft group that survives a failure. */
    static final int DEFAULT_NODES = 3;
    /** Ten cycles: past class loading and the first JIT compilations of the cycle's hot paths. */
    static final int DEFAULT_WARMUP = 10;
    /** Thirty cycles of one second: a window long enough that one young collection does not dominate it. */
    static final int DEFAULT_CYCLES = 30;
    /** Where the build puts the daemon's jar, relative to the repository root. */
    static final Path DEFAULT_JAR = Path.of("recovery-strategies", "target", "recovery.jar");

    static final String USAGE = """
            usage: DaemonFootprint [--nodes N] [--peers K] [--warmup W] [--cycles C] [--xmx SIZE] [--jar PATH]
                                   [--help]
              --nodes N    stand-in nodes served on loopback for the daemon to watch (default %d)
              --peers K    peers whose reachability each node reports (default: all N-1 others)
              --warmup W   cycles the daemon completes before measuring (default %d)
              --cycles C   cycles in the measuring window (default %d)
              --xmx SIZE   maximum heap of the daemon, as java's -Xmx takes it: 64m, 1g (default: the JVM's)
              --jar PATH   the daemon's jar (default %s)
            """.formatted(DEFAULT_NODES, DEFAULT_WARMUP, DEFAULT_CYCLES, DEFAULT_JAR);

    /**
     * @throws NullPointerException if {@code xmx} or {@code jar} is null
     * @throws IllegalArgumentException if a count is out of range or {@code xmx} is not a heap size
     */
    FootprintOptions {
        Objects.requireNonNull(xmx, "xmx");
        Objects.requireNonNull(jar, "jar");
        if (nodes <= 0) {
            throw new IllegalArgumentException("nodes must be > 0, but was " + nodes);
        }
        if (peers < 0 || peers >= nodes) {
            throw new IllegalArgumentException("peers must be in 0.." + (nodes - 1) + ", but was " + peers);
        }
        if (warmup < 0) {
            throw new IllegalArgumentException("warmup must be >= 0, but was " + warmup);
        }
        if (cycles <= 0) {
            throw new IllegalArgumentException("cycles must be > 0, but was " + cycles);
        }
        xmx.ifPresent(size -> {
            if (!size.matches("[1-9][0-9]*[kKmMgG]?")) {
                throw new IllegalArgumentException("xmx must be a heap size such as 64m or 1g, but was '" + size
                        + "'");
            }
        });
    }

    /**
     * Reads the command line.
     *
     * @throws IllegalArgumentException naming an unknown option, a missing or malformed value, or a value out of
     *                                  range
     */
    static FootprintOptions parse(String... args) {
        int nodes = DEFAULT_NODES;
        Integer peers = null;
        int warmup = DEFAULT_WARMUP;
        int cycles = DEFAULT_CYCLES;
        String xmx = null;
        Path jar = DEFAULT_JAR;
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            switch (option) {
                case "--nodes" -> nodes = number(args, ++i, option);
                case "--peers" -> peers = number(args, ++i, option);
                case "--warmup" -> warmup = number(args, ++i, option);
                case "--cycles" -> cycles = number(args, ++i, option);
                case "--xmx" -> xmx = value(args, ++i, option);
                case "--jar" -> jar = Path.of(value(args, ++i, option));
                default -> throw new IllegalArgumentException("unknown option '" + option + "'");
            }
        }
        return new FootprintOptions(nodes, peers != null ? peers : Math.max(0, nodes - 1), warmup, cycles,
                Optional.ofNullable(xmx), jar);
    }

    private static String value(String[] args, int index, String option) {
        if (index >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[index].trim();
    }

    private static int number(String[] args, int index, String option) {
        String value = value(args, index, option);
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a whole number, but was '" + value + "'");
        }
    }
}
