package org.distributedtesting.recovery.strategies;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.distributedtesting.recovery.Resources;
import org.distributedtesting.recovery.strategies.ResourceExhaustionDetector.Answers;
import org.distributedtesting.recovery.strategies.ResourceExhaustionDetector.Resource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The detector reads a node's history only for the resources that {@code mayFire} on their value now: over random
 * settings and runs of answers, no resource whose value now is ruled out ever shows a signal, so skipping its
 * history loses no finding.
 */
class ResourceExhaustionDetectorTest {

    private static final long LIMIT = 1_000;

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void aResourceRuledOutByItsValueNowNeverFires(long seed) {
        Random random = new Random(seed);
        int fired = 0;
        int ruledOut = 0;
        for (int round = 0; round < 500; round++) {
            // Given random settings and a random run of answers, rising, falling or flat
            ResourceExhaustionDetector detector = new ResourceExhaustionDetector(randomSettings(random));
            Answers answers = randomAnswers(random, 1 + random.nextInt(12));
            Resources now = answers.resources().get(answers.resources().size() - 1);

            for (Resource resource : Resource.values()) {
                // When
                ResourceExhaustionDetector.Finding finding = detector.analyse(resource, answers);
                boolean mayFire = detector.mayFire(resource, resource.ratio(now));

                // Then
                if (finding != null) {
                    assertThat(mayFire).as("%s fired %s at %s but was ruled out", resource, finding.signals(),
                            resource.ratio(now)).isTrue();
                    fired++;
                }
                ruledOut += mayFire ? 0 : 1;
            }
        }
        assertThat(fired).as("resources that fired").isPositive();
        assertThat(ruledOut).as("resources ruled out").isPositive();
    }

    private static ResourceExhaustionSettings randomSettings(Random random) {
        Map<Resource, Double> thresholds = new EnumMap<>(Resource.class);
        for (Resource resource : Resource.values()) {
            thresholds.put(resource, 0.3 + 0.7 * random.nextDouble());
        }
        return new ResourceExhaustionSettings(thresholds, random.nextInt(4), 2 + random.nextInt(8),
                Duration.ofSeconds(1 + random.nextInt(3_600)), random.nextDouble());
    }

    private static Answers randomAnswers(Random random, int count) {
        List<Instant> times = new ArrayList<>();
        List<Resources> resources = new ArrayList<>();
        long[] used = new long[4];
        for (int r = 0; r < used.length; r++) {
            used[r] = random.nextInt((int) LIMIT + 1);
        }
        int step = random.nextInt(3) - 1; // rising, flat or falling, with noise
        Instant at = Snapshots.START;
        for (int i = 0; i < count; i++) {
            for (int r = 0; r < used.length; r++) {
                used[r] = Math.max(0, Math.min(LIMIT, used[r] + step * random.nextInt(80) + random.nextInt(21) - 10));
            }
            times.add(at);
            resources.add(new Resources(used[3] / (double) LIMIT, used[0], LIMIT, used[1], LIMIT, used[2], LIMIT));
            at = at.plusSeconds(random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(5));
        }
        return new Answers(times, resources);
    }
}
