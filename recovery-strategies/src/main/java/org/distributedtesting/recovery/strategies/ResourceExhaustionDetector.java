package org.distributedtesting.recovery.strategies;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import org.distributedtesting.recovery.ClusterHistory;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.FailureDetector;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeObservation;
import org.distributedtesting.recovery.Resources;
import org.distributedtesting.recovery.Severity;

/**
 * The detector of {@link ResourceExhaustionStrategy}: per reachable node and resource, over the unbroken run of
 * answers in a window of snapshots, the ratio now, whether it stayed above its threshold, the least-squares slope
 * and the time to exhaustion it predicts, and whether it grew in every cycle (a leak). One failure per node lists
 * every resource that fired, most urgent first.
 *
 * <p>Immutable and thread-safe.
 */
final class ResourceExhaustionDetector implements FailureDetector {

    /** A resource a node reports, as a fraction of its limit. */
    enum Resource {
        DISK("disk", false),
        MEMORY("memory", true),
        FILE_HANDLES("file_handles", true),
        CPU("cpu", false);

        private final String key;
        private final boolean leaks;

        Resource(String key, boolean leaks) {
            this.key = key;
            this.leaks = leaks;
        }

        /** The name in evidence and settings. */
        String key() {
            return key;
        }

        /**
         * Whether growth in every cycle means a leak: memory and file handles are released by a healthy process,
         * while a disk legitimately grows with every write until compaction.
         */
        boolean leaks() {
            return leaks;
        }

        /** Whether a trend means anything: CPU load swings with work and does not pile up. */
        boolean trends() {
            return this != CPU;
        }

        double ratio(Resources resources) {
            return switch (this) {
                case DISK -> resources.diskRatio();
                case MEMORY -> resources.memoryRatio();
                case FILE_HANDLES -> resources.fileRatio();
                case CPU -> resources.cpuLoad();
            };
        }
    }

    /**
     * What one resource of one node shows.
     *
     * @param resource             the resource
     * @param ratio                its use now, as a fraction of the limit
     * @param threshold            the configured threshold
     * @param signals              which signals fired: {@code above_threshold}, {@code trend}, {@code leak}
     * @param slopePerSecond       least-squares growth of the ratio per second over the window, if computed
     * @param secondsToExhaustion  when the trend reaches 1.0, if it rises
     */
    record Finding(Resource resource, double ratio, double threshold, List<String> signals,
                   OptionalDouble slopePerSecond, OptionalDouble secondsToExhaustion) {

        Finding {
            signals = List.copyOf(signals);
        }

        boolean sustained() {
            return signals.contains("above_threshold");
        }

        /** JSON-friendly evidence, rounded so journals stay readable. */
        Map<String, Object> evidence() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("ratio", round(ratio, 4));
            out.put("threshold", threshold);
            out.put("signals", signals);
            slopePerSecond.ifPresent(s -> out.put("slope_per_second", round(s, 6)));
            secondsToExhaustion.ifPresent(s -> out.put("seconds_to_exhaustion", Math.round(s)));
            return out;
        }

        /** Most urgent first: over the threshold, then the soonest exhaustion, then the fullest. */
        double urgency() {
            return (sustained() ? 1e12 : 0) - secondsToExhaustion.orElse(1e9) + ratio;
        }
    }

    private final ResourceExhaustionSettings settings;

    ResourceExhaustionDetector(ResourceExhaustionSettings settings) {
        this.settings = settings;
    }

    @Override
    public List<Failure> detect(ClusterSnapshot snapshot, ClusterHistory history) {
        List<ClusterSnapshot> window = new ArrayList<>(history.latest(Math.max(settings.sustainCycles(),
                settings.trendWindowCycles()) - 1));
        window.add(snapshot);
        List<Failure> failures = new ArrayList<>();
        for (NodeObservation observation : snapshot.observations().values()) {
            if (!observation.reachable() || observation.reported().isEmpty()) {
                continue;
            }
            // most nodes have no resource anywhere near a signal: their history is not read at all
            Resources current = observation.reported().get().resources();
            List<Resource> candidates = new ArrayList<>(0);
            for (Resource resource : Resource.values()) {
                if (mayFire(resource, resource.ratio(current))) {
                    candidates.add(resource);
                }
            }
            if (candidates.isEmpty()) {
                continue;
            }
            Answers answers = Answers.of(observation.node(), window);
            List<Finding> findings = new ArrayList<>();
            for (Resource resource : candidates) {
                Finding f = analyse(resource, answers);
                if (f != null) {
                    findings.add(f);
                }
            }
            if (!findings.isEmpty()) {
                findings.sort(Comparator.comparingDouble(Finding::urgency).reversed());
                failures.add(failure(observation.node(), findings));
            }
        }
        return failures;
    }

    /**
     * The nodes with a resource at or above its threshold now that {@link #detect} does not report yet: above it in
     * fewer than {@code sustain_cycles} answers in a row.
     */
    @Override
    public List<Failure> forming(ClusterSnapshot snapshot, ClusterHistory history) {
        List<Failure> forming = new ArrayList<>();
        for (NodeObservation observation : snapshot.observations().values()) {
            if (observation.reported().isEmpty()) {
                continue;
            }
            Resources resources = observation.reported().get().resources();
            List<String> parts = new ArrayList<>();
            Map<String, Object> evidence = new LinkedHashMap<>();
            for (Resource resource : Resource.values()) {
                double ratio = resource.ratio(resources);
                if (ratio >= settings.threshold(resource)) {
                    parts.add(String.format(Locale.ROOT, "%s at %.0f%%", resource.key(), ratio * 100));
                    evidence.putIfAbsent("resource", resource.key());
                    evidence.put(resource.key(), Map.of("ratio", round(ratio, 4),
                            "threshold", settings.threshold(resource), "signals", List.of("forming")));
                }
            }
            if (!parts.isEmpty()) {
                evidence.put("sustain_cycles", settings.sustainCycles());
                forming.add(Failure.of(FailureType.RESOURCE_EXHAUSTION, List.of(observation.node()), Severity.MEDIUM,
                        "'" + observation.node() + "' is above its threshold (" + String.join("; ", parts)
                                + "), not yet in " + settings.sustainCycles() + " answers in a row (sustain_cycles)",
                        evidence));
            }
        }
        return forming;
    }

    private static Failure failure(NodeId node, List<Finding> findings) {
        Finding first = findings.get(0);
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("resource", first.resource().key());
        evidence.putAll(first.evidence());
        evidence.put("resources", findings.stream().map(f -> f.resource().key()).toList());
        for (Finding f : findings) {
            evidence.put(f.resource().key(), f.evidence());
        }
        List<String> parts = new ArrayList<>();
        for (Finding f : findings) {
            StringBuilder part = new StringBuilder(String.format(Locale.ROOT, "%s at %.0f%%", f.resource().key(),
                    f.ratio() * 100));
            f.slopePerSecond().ifPresent(s -> part.append(String.format(Locale.ROOT, ", %+.2f%%/s", s * 100)));
            if (f.signals().contains("trend") || f.signals().contains("leak")) {
                f.secondsToExhaustion().ifPresent(s -> part.append(String.format(Locale.ROOT, ", full in ~%.0f s",
                        s)));
            }
            part.append(" (").append(String.join(", ", f.signals())).append(')');
            parts.add(part.toString());
        }
        boolean sustained = findings.stream().anyMatch(Finding::sustained);
        return Failure.of(FailureType.RESOURCE_EXHAUSTION, List.of(node), sustained ? Severity.HIGH : Severity.MEDIUM,
                "'" + node + "' is running out of resources: " + String.join("; ", parts), evidence);
    }

    /**
     * Whether any signal can fire for a resource at {@code now} in the current snapshot: each needs the ratio now at
     * or above the threshold ({@code above_threshold}, with at least one cycle to sustain) or the trend floor
     * ({@code trend}, {@code leak}). Written so that a NaN ratio, which fires nothing, is not a candidate either.
     */
    boolean mayFire(Resource resource, double now) {
        return now >= settings.threshold(resource) || now >= settings.trendFloor() || settings.sustainCycles() < 1;
    }

    /**
     * The unbroken run of a node's answers up to now in a window of snapshots, oldest first: read once per node, for
     * every resource.
     */
    record Answers(List<Instant> times, List<Resources> resources) {

        static Answers of(NodeId node, List<ClusterSnapshot> window) {
            List<Instant> times = new ArrayList<>(window.size());
            List<Resources> resources = new ArrayList<>(window.size());
            for (int i = window.size() - 1; i >= 0; i--) {
                NodeObservation o = window.get(i).observations().get(node);
                if (o == null || o.reported().isEmpty()) {
                    break; // only the unbroken run of answers up to now counts
                }
                times.add(window.get(i).takenAt());
                resources.add(o.reported().get().resources());
            }
            Collections.reverse(times);
            Collections.reverse(resources);
            return new Answers(times, resources);
        }
    }

    /**
     * Reads one resource over a node's run of answers (oldest first, the current snapshot last).
     *
     * @return the finding, or null when no signal fires
     */
    Finding analyse(Resource resource, Answers answers) {
        double threshold = settings.threshold(resource);
        int sustainCycles = settings.sustainCycles();
        int trendCycles = settings.trendWindowCycles();
        double floor = settings.trendFloor();
        List<Instant> times = answers.times();
        List<Double> ratios = new ArrayList<>(answers.resources().size());
        for (Resources r : answers.resources()) {
            ratios.add(resource.ratio(r));
        }
        if (ratios.isEmpty()) {
            return null;
        }
        double now = ratios.get(ratios.size() - 1);
        List<String> signals = new ArrayList<>();
        List<Double> recent = ratios.subList(Math.max(0, ratios.size() - sustainCycles), ratios.size());
        if (ratios.size() >= sustainCycles && recent.stream().allMatch(r -> r >= threshold)) {
            signals.add("above_threshold");
        }
        OptionalDouble slope = OptionalDouble.empty();
        OptionalDouble eta = OptionalDouble.empty();
        if (resource.trends() && ratios.size() >= trendCycles) {
            int from = ratios.size() - trendCycles;
            slope = slope(times.subList(from, times.size()), ratios.subList(from, ratios.size()));
            if (slope.isPresent() && slope.getAsDouble() > 0) {
                eta = OptionalDouble.of(Math.max(0, (1.0 - now) / slope.getAsDouble()));
                if (now >= floor && eta.getAsDouble() <= settings.horizon().toMillis() / 1000.0) {
                    signals.add("trend");
                }
            }
            if (resource.leaks() && now >= floor && strictlyIncreasing(ratios.subList(from, ratios.size()))) {
                signals.add("leak");
            }
        }
        return signals.isEmpty() ? null : new Finding(resource, now, threshold, signals, slope, eta);
    }

    /** Least-squares slope of {@code ys} over the seconds of {@code times}; empty when all times are equal. */
    static OptionalDouble slope(List<Instant> times, List<Double> ys) {
        int n = times.size();
        if (n < 2) {
            return OptionalDouble.empty();
        }
        Instant origin = times.get(0);
        double[] xs = new double[n];
        double meanX = 0;
        double meanY = 0;
        for (int i = 0; i < n; i++) {
            xs[i] = Duration.between(origin, times.get(i)).toNanos() / 1e9;
            meanX += xs[i];
            meanY += ys.get(i);
        }
        meanX /= n;
        meanY /= n;
        double sxy = 0;
        double sxx = 0;
        for (int i = 0; i < n; i++) {
            sxy += (xs[i] - meanX) * (ys.get(i) - meanY);
            sxx += (xs[i] - meanX) * (xs[i] - meanX);
        }
        return sxx == 0 ? OptionalDouble.empty() : OptionalDouble.of(sxy / sxx);
    }

    private static boolean strictlyIncreasing(List<Double> values) {
        for (int i = 1; i < values.size(); i++) {
            if (values.get(i) <= values.get(i - 1)) {
                return false;
            }
        }
        return values.size() > 1;
    }

    static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }
}
