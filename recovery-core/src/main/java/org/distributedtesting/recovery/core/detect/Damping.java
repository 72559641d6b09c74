package org.distributedtesting.recovery.core.detect;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeObservation;
import org.distributedtesting.recovery.ProcessStatus;
import org.distributedtesting.recovery.RecoveryEvent;
import org.distributedtesting.recovery.RecoveryStrategy;
import org.distributedtesting.recovery.core.report.EventSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Damping, the detect stage's second half: counts in how many consecutive cycles each failure (by
 * {@link Failure#key()}) has been seen, so that a failure is acted on only once it is confirmed. A failure missing
 * from one cycle starts over.
 *
 * <p>Not thread-safe; the engine's cycle lock guards it.
 */
public final class Damping {

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
        private boolean certain;
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

        /**
         * Whether the latest cycle saw it on certain evidence: every node of the failure unreachable and its process
         * ended, as its supervisor saw (not a node never started, not one whose process state is unknown).
         */
        public boolean certain() {
            return certain;
        }

        /**
         * Whether it may be acted on: seen often enough, urgent, or {@linkplain #certain() certain}. A process that
         * ended is no flapping signal that a second look could take back: waiting for more cycles only delays the
         * restart (backoff and the attempt budget still bound a crash loop).
         */
        public boolean confirmed(int confirmations) {
            return failure.immediate() || certain || consecutive >= confirmations;
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(Damping.class);

    private final EventSink sink;
    private final Map<String, Tracked> tracked = new LinkedHashMap<>();

    /** @param sink where a confirmation goes */
    public Damping(EventSink sink) {
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    /**
     * Announces a failure confirmed in this cycle ({@code failure_detected}), once: later cycles find it
     * {@link Tracked#announced() announced}.
     */
    public void announce(Tracked confirmed, Instant now) {
        if (confirmed.announced()) {
            return;
        }
        confirmed.announced = true;
        Failure failure = confirmed.failure();
        sink.emit(new RecoveryEvent.FailureConfirmed(now, failure, confirmed.consecutive(), confirmed.firstSeen()));
        LOG.info("confirmed {} after {} cycles{}: {}", failure.key(), confirmed.consecutive(),
                confirmed.certain() ? " (its process ended: certain)" : "", failure.summary());
    }

    /**
     * Records this cycle's detections, found in {@code snapshot}.
     *
     * @return the failures that were tracked before and are gone now
     */
    public List<Tracked> update(List<Detected> detected, ClusterSnapshot snapshot, Instant now) {
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
            t.certain = d.failure().nodes().stream().allMatch(n -> processEnded(snapshot, n));
        }
        return gone;
    }

    /** The node does not answer and its supervisor saw its process end. */
    private static boolean processEnded(ClusterSnapshot snapshot, NodeId node) {
        NodeObservation observation = snapshot.observations().get(node);
        return observation != null && !observation.reachable()
                && observation.process().liveness() == ProcessStatus.Liveness.DEAD;
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

    /** Whether a failure with this key is tracked (it was detected in the latest cycle {@link #update} saw). */
    public boolean tracks(String key) {
        return tracked.containsKey(key);
    }
}
