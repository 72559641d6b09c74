package org.distributedtesting.recovery.core;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.Failure;

/**
 * What one engine cycle saw and did.
 *
 * <p>Immutable and thread-safe.
 *
 * @param snapshot             the observations of the cycle
 * @param detected             failures the detectors reported (confirmed or not yet)
 * @param forming              when nothing was detected: failures a detector sees forming but reports only once
 *                             their signal has lasted ({@link org.distributedtesting.recovery.FailureDetector#forming})
 * @param verified             recoveries verified in this cycle
 * @param escalated            failures given up on in this cycle (their nodes are quarantined)
 * @param rungsRun             ladder rungs run in this cycle
 * @param awaitingVerification recoveries whose rung acted and awaits verification, and nodes started (never started
 *                             before) that have not answered yet
 * @param stuck                every detected failure touches a quarantined node and nothing awaits verification:
 *                             the engine will do nothing more until people act
 * @param probeTime            time spent probing all nodes, by the engine's ticker ({@link EngineBuilder#ticker}):
 *                             wall time by default, virtual time on the simulated cluster
 * @param detectTime           time spent running all detectors, by the engine's ticker
 * @param elapsed              duration of the whole cycle, by the engine's ticker
 */
public record CycleReport(ClusterSnapshot snapshot, List<Failure> detected, List<Failure> forming,
                          List<Failure> verified,
                          List<Failure> escalated, int rungsRun, int awaitingVerification, boolean stuck,
                          Duration probeTime, Duration detectTime, Duration elapsed) {

    /** Copies the lists. @throws NullPointerException if any argument is null */
    public CycleReport {
        Objects.requireNonNull(snapshot, "snapshot");
        detected = List.copyOf(detected);
        forming = List.copyOf(forming);
        verified = List.copyOf(verified);
        escalated = List.copyOf(escalated);
        Objects.requireNonNull(probeTime, "probeTime");
        Objects.requireNonNull(detectTime, "detectTime");
        Objects.requireNonNull(elapsed, "elapsed");
    }

    /** The cycle number. */
    public long cycle() {
        return snapshot.cycle();
    }

    /**
     * No failure detected, none forming, no recovery awaiting verification and no started node awaiting its first
     * answer. A failure seen but not yet confirmed, or not yet reported by a detector that waits for its signal to
     * last, is not healthy.
     */
    public boolean healthy() {
        return detected.isEmpty() && forming.isEmpty() && awaitingVerification == 0;
    }

    /** What keeps the cluster from being healthy: the failures detected, or else those forming. */
    public List<Failure> unhealthy() {
        return detected.isEmpty() ? forming : detected;
    }
}
