package org.distributedtesting.recovery;

/**
 * Carries out actions on nodes: the host coordinator's own operations, a remote node protocol, a process
 * supervisor, or the simulated cluster. The engine calls it only after its safety guards allowed the action.
 *
 * <p>Implementations must be thread-safe.
 */
@FunctionalInterface
public interface NodeControl {

    /**
     * Carries out one action and says what came of it. An action the control does not support returns
     * {@link ActionResult.Failed} naming it.
     *
     * @throws Exception on failure; the engine turns it into {@link ActionResult.Failed}
     */
    ActionResult execute(Action action) throws Exception;
}
