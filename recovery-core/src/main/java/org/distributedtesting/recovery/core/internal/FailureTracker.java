package org.distributedtesting.recovery.core.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.RecoveryStrategy;

/**
 * Damping: counts in how many consecutive cycles each failure (by {@link Failure#key()}) has been seen. A failure
 * missing from one cycle starts over.
 *
 * <p>Not thread-safe; the engine's cycle lock guards it.
 */
public final class FailureTracker {

    /** A failure a strategy detected in this cycle. */
    public record Detected(Failure failure, RecoveryStrategy strategy) {
        /** @throws NullPointerException if any argument is null */
        public Detected {
            Objects.requireNonNull(failure, "failure");
            Objects.requireNonNull(strategy, "strategy");
        }
    }

    /** A failure being tracked across cycles. */
    public static final class Tracked {
        private Failure failure;
        private final RecoveryStrategy strategy;
        private final Instant firstSeen;
        private int consecutive;
        private boolean announced;

        Tracked(Failure failure, RecoveryStrategy strategy, Instant firstSeen) {
            this.failure = failure;
            this.strategy = strategy;
            this.firstSeen = firstSeen;
        }

        /** The failure as detected in the latest cycle. */
        public Failure failure() {
            return failure;
        }

        /** The strategy that detected it. */
        public RecoveryStrategy strategy() {
            return strategy;
        }

        /** When it was first seen in the current run of consecutive cycles. */
        public Instant firstSeen() {
            return firstSeen;
        }

        /** Consecutive cycles it has been seen in. */
        public int consecutive() {
            return consecutive;
        }

        /** Whether it has been confirmed and journaled as detected. */
        public boolean announced() {
            return announced;
        }

        /** Marks it journaled as detected. */
        public void announce() {
            announced = true;
        }

        /** Whether it may be acted on: seen often enough, or urgent. */
        public boolean confirmed(int confirmations) {
            return failure.immediate() || consecutive >= confirmations;
        }
    }

    private final Map<String, Tracked> tracked = new LinkedHashMap<>();

    /**
     * Records this cycle's detections.
     *
     * @return the failures that were tracked before and are gone now
     */
    public List<Tracked> update(List<Detected> detected, Instant now) {
        Map<String, Detected> current = new LinkedHashMap<>();
        for (Detected d : detected) {
            current.putIfAbsent(d.failure().key(), d);
        }
        List<Tracked> gone = new ArrayList<>();
        for (Iterator<Map.Entry<String, Tracked>> it = tracked.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Tracked> e = it.next();
            if (!current.containsKey(e.getKey())) {
                gone.add(e.getValue());
                it.remove();
            }
        }
        for (Detected d : current.values()) {
            Tracked t = tracked.computeIfAbsent(d.failure().key(), k -> new Tracked(d.failure(), d.strategy(), now));
            t.failure = d.failure();
            t.consecutive++;
        }
        return gone;
    }

    /** Every tracked failure, by precedence of its type, then by key. */
    public List<Tracked> inPrecedenceOrder() {
        List<Tracked> list = new ArrayList<>(tracked.values());
        list.sort(Comparator.comparing((Tracked t) -> t.failure().type()).thenComparing(t -> t.failure().key()));
        return list;
    }

    /**
     * Stops tracking a failure that was recovered, so that its absence from later cycles is not reported as a
     * failure that went away by itself; if it is still detected, it is tracked afresh and confirmed again.
     */
    public void forget(String key) {
        tracked.remove(key);
    }

    /** The tracked failure with this key, or null. */
    public Tracked get(String key) {
        return tracked.get(key);
    }
}
