/**
 * AssertJ assertions about the simulated cluster and a recovery run on it, with failure messages that name the
 * leaders, the diverging nodes and the missing writes. Start with
 * {@link org.distributedtesting.recovery.core.sim.assertj.SimAssertions#assertThat(org.distributedtesting.recovery.core.sim.SimulatedCluster)}.
 *
 * <p>AssertJ is an optional dependency of recovery-core: only tests load this package.
 */
package org.distributedtesting.recovery.core.sim.assertj;
