package org.distributedtesting.recovery.core.sim;

import java.util.HashMap;
import java.util.Map;

/**
 * A state-machine snapshot: the state after applying every entry up to {@code index}, and the running checksum
 * there. Immutable; the state is in no order (it is looked up by key and copied into a node's state).
 */
record Snapshot(long index, long term, Map<String, String> state, long checksum) {

    static final Snapshot EMPTY = new Snapshot(0, 0, Map.of(), Hashing.FNV_OFFSET);

    Snapshot {
        state = java.util.Collections.unmodifiableMap(new HashMap<>(state));
    }
}
