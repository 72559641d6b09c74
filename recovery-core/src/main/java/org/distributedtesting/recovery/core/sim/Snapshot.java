package org.distributedtesting.recovery.core.sim;

import java.util.Map;
import java.util.TreeMap;

/**
 * A state-machine snapshot: the state after applying every entry up to {@code index}, and the running checksum
 * there. Immutable.
 */
record Snapshot(long index, long term, Map<String, String> state, long checksum) {

    static final Snapshot EMPTY = new Snapshot(0, 0, Map.of(), Hashing.FNV_OFFSET);

    Snapshot {
        state = java.util.Collections.unmodifiableMap(new TreeMap<>(state));
    }
}
