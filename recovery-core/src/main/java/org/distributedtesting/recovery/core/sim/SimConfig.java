package org.distributedtesting.recovery.core.sim;

/**
 * The simulated cluster's settings. Defaults follow etcd: 100 ms heartbeat, 1 s election timeout randomized in
 * [1 s, 2 s).
 *
 * @param nodes               number of nodes, 1..15
 * @param seed                seed of every random choice
 * @param preVote             whether nodes run a pre-vote before an election
 * @param heartbeatMillis     leader heartbeat interval
 * @param electionMinMillis   lower bound of the randomized election timeout
 * @param electionMaxMillis   upper bound (exclusive) of the randomized election timeout
 * @param latencyMillis       base one-way network latency
 * @param jitterMillis        random extra latency, up to this much
 * @param snapshotThreshold   applied entries after which a node snapshots and compacts its log
 * @param startupMillis       how long a started process takes before it serves
 */
public record SimConfig(int nodes, long seed, boolean preVote, long heartbeatMillis, long electionMinMillis,
                        long electionMaxMillis, long latencyMillis, long jitterMillis, long snapshotThreshold,
                        long startupMillis) {

    /** @throws IllegalArgumentException naming the first value out of range */
    public SimConfig {
        if (nodes < 1 || nodes > 15) {
            throw new IllegalArgumentException("nodes must be in 1..15, but was " + nodes);
        }
        positive("heartbeatMillis", heartbeatMillis);
        positive("electionMinMillis", electionMinMillis);
        if (electionMaxMillis <= electionMinMillis) {
            throw new IllegalArgumentException("electionMaxMillis must be > electionMinMillis (" + electionMinMillis
                    + "), but was " + electionMaxMillis);
        }
        if (heartbeatMillis >= electionMinMillis) {
            throw new IllegalArgumentException("heartbeatMillis must be < electionMinMillis (" + electionMinMillis
                    + "), but was " + heartbeatMillis);
        }
        if (latencyMillis < 0 || jitterMillis < 0 || startupMillis < 0) {
            throw new IllegalArgumentException("latencyMillis, jitterMillis and startupMillis must be >= 0");
        }
        positive("snapshotThreshold", snapshotThreshold);
    }

    private static void positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be > 0, but was " + value);
        }
    }
}
