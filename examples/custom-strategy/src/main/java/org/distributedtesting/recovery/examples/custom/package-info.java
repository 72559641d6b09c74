/**
 * What a coordinator developer copies to extend Coordinator Recovery, in the two ways it allows:
 * <ul>
 *   <li>{@link org.distributedtesting.recovery.examples.custom.PagingCrashStrategy} subclasses the built-in
 *       process-crash strategy and overrides its one rung;
 *       {@link org.distributedtesting.recovery.examples.custom.ExampleStrategies} contributes it through
 *       {@link java.util.ServiceLoader} and replaces the built-in explicitly.</li>
 *   <li>{@link org.distributedtesting.recovery.examples.custom.DiskAlarmStrategy} implements
 *       {@link org.distributedtesting.recovery.RecoveryStrategy} from scratch for a host-defined failure type and is
 *       registered by code with {@code registry.register(...)}.</li>
 * </ul>
 */
package org.distributedtesting.recovery.examples.custom;
