package org.distributedtesting.recovery.examples.ratis;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How one coordinator node is started: its identity, data directory, ports, the Raft group's members, and the
 * options for tests and the demo.
 *
 * <p>Command line: {@code --id ID --data-dir DIR --raft-port PORT --http-port PORT --peers
 * id=127.0.0.1:port,... [--fault-hooks] [--token-file FILE] [--disk-quota BYTES] [--snapshot-threshold ENTRIES]
 * [--segment-size BYTES] [--pre-vote true|false] [--election-timeout-max MILLIS] [--exit-on-damaged-storage]}.
 * {@code --peers} names every
 * member of the group, this node too. A peer's host may be a name (as {@code node-2.ratis}) that this node's JVM
 * resolves, for example through its own {@code -Djdk.net.hosts.file}: every node then has the same configuration
 * while its links to the others can each go their own way (through a fault-injecting proxy in the tests).
 *
 * <p>Immutable and thread-safe.
 *
 * @param id                the node's id, as in {@code --peers}
 * @param dataDir           the data directory (database, Raft log, snapshots, backups)
 * @param raftPort          the Raft (gRPC) port on 127.0.0.1
 * @param httpPort          the node protocol's port on 127.0.0.1; 0 picks a free one
 * @param peers             every member of the group, this node included
 * @param faultHooks        whether the fault hooks exist (tests and the demo only)
 * @param tokenFile         the file holding the control endpoints' bearer token, if control is served
 * @param diskQuota         bytes the data directory may use, reported as the disk limit
 * @param snapshotThreshold entries applied between two automatic snapshots
 * @param segmentSize       the largest Raft log segment file, in bytes
 * @param preVote           whether the node asks for pre-votes before it campaigns (Raft's pre-vote; Ratis'
 *                          default, on); off only to reproduce a node that disrupts the cluster with higher terms
 * @param electionTimeoutMax the upper end of the randomized election timeout (the lower end is fixed at 400 ms): a
 *                          follower that hears no leader campaigns within it, and a leader that hears no majority
 *                          for that long steps down; longer only to reproduce a cut-off leader that goes on
 *                          believing it leads
 * @param exitOnDamagedStorage whether the node exits (code {@value CoordinatorNode#EXIT_DAMAGED_STORAGE}) when its
 *                          database or Raft log fails its check at start, as etcd does on a corrupt WAL, rather than
 *                          serve its protocol and report the failed checks in its status
 */
public record NodeOptions(String id, Path dataDir, int raftPort, int httpPort, List<Peer> peers, boolean faultHooks,
                          Optional<Path> tokenFile, long diskQuota, long snapshotThreshold, long segmentSize,
                          boolean preVote, Duration electionTimeoutMax, boolean exitOnDamagedStorage) {

    /** The disk quota when none is given: 1 GiB. */
    public static final long DEFAULT_DISK_QUOTA = 1L << 30;

    /** Entries between automatic snapshots when not given. */
    public static final long DEFAULT_SNAPSHOT_THRESHOLD = 1000;

    /** The largest segment when not given: 1 MiB, so that old segments can be purged soon. */
    public static final long DEFAULT_SEGMENT_SIZE = 1L << 20;

    /** The upper end of the election timeout when not given. */
    public static final Duration DEFAULT_ELECTION_TIMEOUT_MAX = Duration.ofMillis(800);

    /** The fixed lower end of the election timeout. */
    public static final Duration ELECTION_TIMEOUT_MIN = Duration.ofMillis(400);

    private static final String USAGE = "usage: CoordinatorNode --id ID --data-dir DIR --raft-port PORT"
            + " --http-port PORT --peers id=127.0.0.1:port,... [--fault-hooks] [--token-file FILE]"
            + " [--disk-quota BYTES] [--snapshot-threshold ENTRIES] [--segment-size BYTES] [--pre-vote true|false]"
            + " [--election-timeout-max MILLIS] [--exit-on-damaged-storage]";

    /**
     * @throws IllegalArgumentException if a value is out of range, or this node is not among the peers with its
     *                                  Raft port
     */
    public NodeOptions {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(tokenFile, "tokenFile");
        Objects.requireNonNull(electionTimeoutMax, "electionTimeoutMax");
        if (electionTimeoutMax.compareTo(ELECTION_TIMEOUT_MIN) <= 0) {
            throw new IllegalArgumentException("--election-timeout-max must be more than the minimum "
                    + ELECTION_TIMEOUT_MIN.toMillis() + " ms, but was " + electionTimeoutMax.toMillis() + " ms");
        }
        List<Peer> members = List.copyOf(peers);
        peers = members;
        requirePort("raftPort", raftPort, 1);
        requirePort("httpPort", httpPort, 0);
        if (diskQuota <= 0) {
            throw new IllegalArgumentException("diskQuota must be > 0, but was " + diskQuota);
        }
        if (snapshotThreshold <= 0) {
            throw new IllegalArgumentException("snapshotThreshold must be > 0, but was " + snapshotThreshold);
        }
        if (segmentSize < 16 * 1024) {
            throw new IllegalArgumentException("segmentSize must be >= 16384, but was " + segmentSize);
        }
        Peer self = members.stream().filter(p -> p.id().equals(id)).findFirst().orElseThrow(
                () -> new IllegalArgumentException("--peers must name this node '" + id + "', but was " + members));
        if (self.port() != raftPort) {
            throw new IllegalArgumentException("--peers gives '" + id + "' port " + self.port()
                    + ", but --raft-port is " + raftPort);
        }
        if (peers.stream().map(Peer::id).distinct().count() != peers.size()) {
            throw new IllegalArgumentException("--peers names a node twice: " + peers);
        }
    }

    /**
     * Reads the command line.
     *
     * @throws IllegalArgumentException with the usage when an option is missing, unknown or malformed
     */
    public static NodeOptions parse(String... args) {
        String id = null;
        Path dataDir = null;
        Integer raftPort = null;
        Integer httpPort = null;
        List<Peer> peers = null;
        boolean faultHooks = false;
        Path tokenFile = null;
        long diskQuota = DEFAULT_DISK_QUOTA;
        long snapshotThreshold = DEFAULT_SNAPSHOT_THRESHOLD;
        long segmentSize = DEFAULT_SEGMENT_SIZE;
        boolean preVote = true;
        Duration timeoutMax = DEFAULT_ELECTION_TIMEOUT_MAX;
        boolean exitOnDamage = false;
        try {
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "--id" -> id = value(args, ++i, arg);
                    case "--data-dir" -> dataDir = Path.of(value(args, ++i, arg));
                    case "--raft-port" -> raftPort = Integer.parseInt(value(args, ++i, arg));
                    case "--http-port" -> httpPort = Integer.parseInt(value(args, ++i, arg));
                    case "--peers" -> peers = Peer.parseList(value(args, ++i, arg));
                    case "--fault-hooks" -> faultHooks = true;
                    case "--token-file" -> tokenFile = Path.of(value(args, ++i, arg));
                    case "--disk-quota" -> diskQuota = Long.parseLong(value(args, ++i, arg));
                    case "--snapshot-threshold" -> snapshotThreshold = Long.parseLong(value(args, ++i, arg));
                    case "--segment-size" -> segmentSize = Long.parseLong(value(args, ++i, arg));
                    case "--pre-vote" -> preVote = bool(value(args, ++i, arg), arg);
                    case "--election-timeout-max" -> timeoutMax = Duration.ofMillis(Long.parseLong(
                            value(args, ++i, arg)));
                    case "--exit-on-damaged-storage" -> exitOnDamage = true;
                    default -> throw new IllegalArgumentException("unknown option '" + arg + "'");
                }
            }
            if (id == null || dataDir == null || raftPort == null || httpPort == null || peers == null) {
                throw new IllegalArgumentException("--id, --data-dir, --raft-port, --http-port and --peers are"
                        + " required");
            }
            return new NodeOptions(id, dataDir, raftPort, httpPort, peers, faultHooks, Optional.ofNullable(tokenFile),
                    diskQuota, snapshotThreshold, segmentSize, preVote, timeoutMax, exitOnDamage);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number: " + e.getMessage() + "\n" + USAGE, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + "\n" + USAGE, e);
        }
    }

    /** The command-line form, for starting the node as a process. */
    public List<String> toArgs() {
        List<String> args = new ArrayList<>(List.of("--id", id, "--data-dir", dataDir.toString(),
                "--raft-port", String.valueOf(raftPort), "--http-port", String.valueOf(httpPort),
                "--peers", Peer.formatList(peers), "--disk-quota", String.valueOf(diskQuota),
                "--snapshot-threshold", String.valueOf(snapshotThreshold), "--segment-size",
                String.valueOf(segmentSize), "--pre-vote", String.valueOf(preVote), "--election-timeout-max",
                String.valueOf(electionTimeoutMax.toMillis())));
        if (faultHooks) {
            args.add("--fault-hooks");
        }
        if (exitOnDamagedStorage) {
            args.add("--exit-on-damaged-storage");
        }
        tokenFile.ifPresent(f -> args.addAll(List.of("--token-file", f.toString())));
        return args;
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static boolean bool(String value, String option) {
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(option + " must be true or false, but was '" + value + "'");
        };
    }

    private static void requirePort(String name, int port, int min) {
        if (port < min || port > 65_535) {
            throw new IllegalArgumentException(name + " must be in " + min + "..65535, but was " + port);
        }
    }
}
