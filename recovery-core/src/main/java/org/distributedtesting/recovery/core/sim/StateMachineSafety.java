package org.distributedtesting.recovery.core.sim;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@value InvariantChecker#STATE_MACHINE_SAFETY} invariant: every node that applied index i has the same state
 * there, compared by the state machine's running checksum. The first checksum a node that is not exempt reaches
 * at each index is kept; a node is compared only when its applied index or checksum changed since the last event,
 * so the per-event cost is O(nodes). Comparing each node's current index is enough: applies go one index at a
 * time, and a jump (an installed snapshot, a restored database) lands on an index that is compared too.
 *
 * <p>Exempted nodes (a test injected wrong applies) are neither compared nor recorded. What they had at each
 * index is kept apart, so that a node whose state equals an exempted node's there (it installed that node's
 * snapshot) is neither recorded nor held against the others; this tolerance ends with the last exemption.
 * A node that diverged is reported once, and again only after it agreed in between.
 *
 * <p>Memory is one map entry per applied index. Not thread-safe; the cluster's lock guards it.
 */
final class StateMachineSafety {

    /** The first checksum seen at an index from a node that was not exempt, and that node. */
    private record Seen(long checksum, int node) {
    }

    private final InvariantChecker checker;
    private final Simulation sim;
    private final Map<Long, Seen> agreed = new HashMap<>();
    private final Map<Long, Long> fromExempted = new HashMap<>();
    private final long[] lastIndex;
    private final long[] lastChecksum;
    private final boolean[] diverged;

    StateMachineSafety(InvariantChecker checker, Simulation sim) {
        this.checker = checker;
        this.sim = sim;
        int n = sim.nodes.size();
        this.lastIndex = new long[n];
        this.lastChecksum = new long[n];
        this.diverged = new boolean[n];
        Arrays.fill(lastIndex, -1);
    }

    /** Compares every node whose state changed since the last call. */
    void check() {
        for (RaftNode node : sim.nodes) {
            long index = node.db.appliedIndex();
            long checksum = node.db.checksum();
            if (index != lastIndex[node.index] || checksum != lastChecksum[node.index]) {
                lastIndex[node.index] = index;
                lastChecksum[node.index] = checksum;
                compare(node, index, checksum);
            }
        }
    }

    private void compare(RaftNode node, long index, long checksum) {
        if (checker.exempt(node.index)) {
            fromExempted.put(index, checksum);
            return;
        }
        Long exempted = fromExempted.get(index);
        if (exempted != null && exempted == checksum) {
            return;
        }
        Seen first = agreed.putIfAbsent(index, new Seen(checksum, node.index));
        if (first == null || first.checksum() == checksum) {
            diverged[node.index] = false;
            return;
        }
        if (!diverged[node.index]) {
            diverged[node.index] = true;
            checker.record(InvariantChecker.STATE_MACHINE_SAFETY, "'" + node.id + "' has state checksum "
                    + Hashing.hex(checksum) + " at applied index " + index + ", but '" + sim.nodes.get(first.node()).id
                    + "' had " + Hashing.hex(first.checksum()) + " there");
        }
    }

    /**
     * A node's exemption ended: compare it again at once. With no exemption left, states equal to an exempted
     * node's are no longer tolerated, so every node is compared again.
     */
    void exemptionCleared(int node, boolean noneLeft) {
        lastIndex[node] = -1;
        if (noneLeft) {
            fromExempted.clear();
            Arrays.fill(lastIndex, -1);
        }
    }
}
