package org.distributedtesting.recovery.core.sim.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a test once per seed, each time on a fresh {@link org.distributedtesting.recovery.core.sim.SimulatedCluster}
 * built with that seed: a seed sweep. Use it instead of {@code @Test} (it is a {@link TestTemplate}); it registers
 * {@link SimulatedClusterExtension} itself. Give exactly one seed source:
 *
 * <pre>{@code
 * @SimSeeds({1, 7, 42})                       // a list
 * @SimSeeds(from = 1, count = 50)             // a range: seeds 1..50
 * @SimSeeds(random = 20)                      // 20 random seeds, each shown in the test's display name
 * void recoversACrashedFollower(@SimCluster(nodes = 5) SimulatedCluster cluster) { ... }
 * }</pre>
 *
 * <p>Each invocation's display name is {@code seed N} (plus {@code (random)} for a random seed), so reports and
 * IDEs show which seed failed, and a failure's message names it too. To replay one seed, run with
 * {@code -Dsim.seed=N} ({@value #REPLAY_PROPERTY}): every seed sweep then runs that one seed only, whatever its
 * source. {@link SimCluster} still sets the number of nodes and the pre-vote; a {@code @SimCluster} that also names
 * a seed other than the default is an error, as is {@code @SimSeeds} beside {@code @Test}, {@code @RepeatedTest}
 * or {@code @ParameterizedTest} on one method.
 *
 * <p>Immutable, as annotations are.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@TestTemplate
@ExtendWith({SimulatedClusterExtension.class, SeedSweep.class})
public @interface SimSeeds {

    /** The system property that replays one seed in every seed sweep: {@code -Dsim.seed=42}. */
    String REPLAY_PROPERTY = "sim.seed";

    /** The seeds, in order; a list source. */
    long[] value() default {};

    /** The first seed of a range source (default 1); only with {@link #count()}. */
    long from() default 1;

    /** How many consecutive seeds from {@link #from()} to run; a range source when above 0. */
    int count() default 0;

    /** How many random seeds to run; a random source when above 0. The seeds are new in every run. */
    int random() default 0;
}
