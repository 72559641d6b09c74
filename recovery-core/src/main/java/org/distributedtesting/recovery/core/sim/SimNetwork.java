package org.distributedtesting.recovery.core.sim;

import java.util.Random;

/**
 * The links between simulated nodes, each direction on its own: cut, lossy, or slowed. Also the monitor's link
 * to each node, so that "the monitor cannot see a node" and "the nodes cannot see each other" are separate faults.
 * A cut is counted per link, so that faults overlap as real ones do: a link two faults cut stays cut until both
 * have healed (healing a split brain must not reconnect a node another fault has just cut off).
 *
 * <p>Not thread-safe; the simulation's lock guards it.
 */
final class SimNetwork {

    private final int size;
    private final int[][] cut;
    private final double[][] dropRate;
    private final long[][] extraDelay;
    private final int[] monitorCut;
    private final int[] clientCut;
    private long baseLatency;
    private long jitter;

    SimNetwork(int size, long baseLatency, long jitter) {
        this.size = size;
        this.cut = new int[size][size];
        this.dropRate = new double[size][size];
        this.extraDelay = new long[size][size];
        this.monitorCut = new int[size];
        this.clientCut = new int[size];
        this.baseLatency = baseLatency;
        this.jitter = jitter;
    }

    /** Delivery delay of one message, or -1 when it is lost. */
    long delay(int from, int to, Random random) {
        if (cut[from][to] > 0) {
            return -1;
        }
        if (dropRate[from][to] > 0 && random.nextDouble() < dropRate[from][to]) {
            return -1;
        }
        long j = jitter > 0 ? random.nextInt((int) jitter + 1) : 0;
        return baseLatency + j + extraDelay[from][to];
    }

    boolean connected(int from, int to) {
        return cut[from][to] == 0;
    }

    /** One more fault cuts the link ({@code true}), or one fewer ({@code false}). */
    void cut(int from, int to, boolean value) {
        cut[from][to] = count(cut[from][to], value);
    }

    private static int count(int current, boolean more) {
        return more ? current + 1 : Math.max(0, current - 1);
    }

    void drop(int from, int to, double rate) {
        dropRate[from][to] = rate;
    }

    void delay(int from, int to, long millis) {
        extraDelay[from][to] = millis;
    }

    long extraDelay(int from, int to) {
        return extraDelay[from][to];
    }

    /** One more fault cuts the monitor's link to the node ({@code true}), or one fewer ({@code false}). */
    void monitorCut(int node, boolean value) {
        monitorCut[node] = count(monitorCut[node], value);
    }

    /** The monitor found another route to the node (an alternative address): it reaches it whatever is cut. */
    void monitorRerouted(int node) {
        monitorCut[node] = 0;
    }

    boolean monitorReaches(int node) {
        return monitorCut[node] == 0;
    }

    /** One more fault cuts the clients' link to the node ({@code true}), or one fewer ({@code false}). */
    void clientCut(int node, boolean value) {
        clientCut[node] = count(clientCut[node], value);
    }

    boolean clientReaches(int node) {
        return clientCut[node] == 0;
    }

    void jitter(long millis) {
        jitter = millis;
    }

    /** Every link back to normal (latency noise stays). */
    void healAll() {
        for (int i = 0; i < size; i++) {
            monitorCut[i] = 0;
            clientCut[i] = 0;
            for (int j = 0; j < size; j++) {
                cut[i][j] = 0;
                dropRate[i][j] = 0;
                extraDelay[i][j] = 0;
            }
        }
    }

    /** Whether any link is cut, lossy or slowed. */
    boolean impaired() {
        for (int i = 0; i < size; i++) {
            if (monitorCut[i] > 0 || clientCut[i] > 0) {
                return true;
            }
            for (int j = 0; j < size; j++) {
                if (cut[i][j] > 0 || dropRate[i][j] > 0 || extraDelay[i][j] > 0) {
                    return true;
                }
            }
        }
        return false;
    }
}
