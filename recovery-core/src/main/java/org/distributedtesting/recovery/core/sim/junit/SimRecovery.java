package org.distributedtesting.recovery.core.sim.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.RecoveryStrategy;

/**
 * How {@link SimulatedClusterExtension} builds the injected
 * {@link org.distributedtesting.recovery.core.sim.harness.SimulatedRecovery}. Put it on the parameter, the test
 * method or the test class; the nearest one wins as a whole. Options not named here keep
 * {@link RecoveryOptions#defaults()}; for anything else build one with {@code SimulatedRecovery.of(...)} in the test.
 *
 * <pre>{@code
 * @Test
 * void escalatesACrashLoop(SimulatedCluster cluster,
 *                          @SimRecovery(strategies = MyCrashStrategy.class, maxRestartAttempts = 2)
 *                          SimulatedRecovery recovery) { ... }
 * }</pre>
 *
 * <p>Immutable, as annotations are; the extension reads it once per test.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.PARAMETER, ElementType.METHOD, ElementType.TYPE})
public @interface SimRecovery {

    /**
     * The strategies, each built with its public constructor taking {@link org.distributedtesting.recovery.Settings}
     * (given {@code Settings.EMPTY}) or its public no-argument one. Empty (the default): every strategy found through
     * {@link java.util.ServiceLoader}, as the daemon finds them.
     */
    Class<? extends RecoveryStrategy>[] strategies() default {};

    /** See {@link RecoveryOptions#maxRestartAttempts()}. */
    int maxRestartAttempts() default RecoveryOptions.DEFAULT_MAX_RESTART_ATTEMPTS;

    /** See {@link RecoveryOptions#confirmations()}. */
    int confirmations() default RecoveryOptions.DEFAULT_CONFIRMATIONS;

    /** See {@link RecoveryOptions#autoRestart()}. */
    boolean autoRestart() default true;

    /** See {@link RecoveryOptions#dryRun()}. */
    boolean dryRun() default false;
}
