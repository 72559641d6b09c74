package org.distributedtesting.recovery.core.sim.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * How {@link SimulatedClusterExtension} builds the {@link org.distributedtesting.recovery.core.sim.SimulatedCluster}
 * of a test. Put it on the parameter, the test method or the test class (an enclosing class counts for
 * {@code @Nested} tests); the nearest one wins as a whole. Without any, the cluster has the defaults below.
 *
 * <pre>{@code
 * @Test
 * void electsALeader(@SimCluster(nodes = 5, seed = 42) SimulatedCluster cluster) { ... }
 * }</pre>
 *
 * <p>Immutable, as annotations are; the extension reads it once per test.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.PARAMETER, ElementType.METHOD, ElementType.TYPE})
public @interface SimCluster {

    /** Default cluster size. */
    int DEFAULT_NODES = 3;

    /** Default seed: the same as {@code SimulatedCluster.builder()}'s, so every run of a test is the same. */
    long DEFAULT_SEED = 1;

    /** Number of nodes, 1..15. */
    int nodes() default DEFAULT_NODES;

    /**
     * The seed of every random choice of the simulation; a failure's message names it. To run many seeds, use
     * {@link SimSeeds} (and leave this one at its default): a seed named here as well is an error there.
     */
    long seed() default DEFAULT_SEED;

    /** Whether nodes run a pre-vote before an election. */
    boolean preVote() default true;
}
