package org.distributedtesting.recovery.core.sim;

import java.util.Random;

/**
 * The links between simulated nodes, each direction on its own: cut, lossy, or slowed. Also the monitor's link
 * to each node, so that "the monitor cannot see a node" and "the nodes cannot see each other" are separate faults.
 *
 * <p>Not thread-safe; the simulation's lock guards it.
 */
final class SimNetwork {

    private final int size;
    private final boolean[][] cut;
    private final double[][] dropRate;
    private final long[][] extraDelay;
    private final boolean[] monitorCut;
    private final boolean[] clientCut;
    private long baseLatency;
    private long jitter;

    SimNetwork(int size, long baseLatency, long jitter) {
        this.size = size;
        this.cut = new boolean[size][size];
        this.dropRate = new double[size][size];
        this.extraDelay = new long[size][size];
        this.monitorCut = new boolean[size];
        this.clientCut = new boolean[size];
        this.baseLatency = baseLatency;
        this.jitter = jitter;
    }

    /** Delivery delay of one message, or -1 when it is lost. */
    long delay(int from, int to, Random random) {
        if (cut[from][to]) {
            return -1;
        }
        if (dropRate[from][to] > 0 && random.nextDouble() < dropRate[from][to]) {
            return -1;
        }
        long j = jitter > 0 ? random.nextInt((int) jitter + 1) : 0;
        return baseLatency + j + extraDelay[from][to];
    }

    boolean connected(int from, int to) {
        return !cut[from][to];
    }

    void cut(int from, int to, boolean value) {
        cut[from][to] = value;
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

    void monitorCut(int node, boolean value) {
        monitorCut[node] = value;
    }

    boolean monitorReaches(int node) {
        return !monitorCut[node];
    }

    void clientCut(int node, boolean value) {
        clientCut[node] = value;
    }

    boolean clientReaches(int node) {
        return !clientCut[node];
    }

    void jitter(long millis) {
        jitter = millis;
    }

    /** Every link back to normal (latency noise stays). */
    void healAll() {
        for (int i = 0; i < size; i++) {
            monitorCut[i] = false;
            clientCut[i] = false;
            for (int j = 0; j < size; j++) {
                cut[i][j] = false;
                dropRate[i][j] = 0;
                extraDelay[i][j] = 0;
            }
        }
    }

    /** Whether any link is cut, lossy or slowed. */
    boolean impaired() {
        for (int i = 0; i < size; i++) {
            if (monitorCut[i] || clientCut[i]) {
                return true;
            }
            for (int j = 0; j < size; j++) {
                if (cut[i][j] || dropRate[i][j] > 0 || extraDelay[i][j] > 0) {
                    return true;
                }
            }
        }
        return false;
    }
}
