package org.distributedtesting.recovery;

import java.time.Clock;
import java.util.Optional;

/**
 * What the engine gives a strategy while it runs one rung: the failure, the cluster as last seen, the policy,
 * the clock, and the one door through which actions reach nodes.
 *
 * <p>A context lives for one rung and is used by one thread.
 */
public interface RecoveryContext {

    /** The failure being recovered. */
    Failure failure();

    /** The snapshot the failure was confirmed in. */
    ClusterSnapshot snapshot();

    /** Earlier snapshots, oldest first. */
    ClusterHistory history();

    /** The engine's policy. */
    RecoveryOptions options();

    /** The engine's clock; strategies never read the system clock. */
    Clock clock();

    /** The rung being run, from 0. */
    int rung();

    /** This failure's attempt number on its nodes within the restart window, from 1. */
    int attempt();

    /** Whether this is a dry run: actions are planned and journaled, not carried out. */
    boolean dryRun();

    /**
     * Performs an action through the engine's guards: the quorum budget, {@code auto_restart}, backup before a
     * destructive step (the engine moves the data aside itself when the strategy did not), no suspect source, the
     * global action budget and dry run. Every action is journaled with the failure, its evidence, the rung and
     * the result. Never throws for a failed action: the result says.
     *
     * @param action the action
     * @param reason why, in one line, for the journal
     */
    ActionResult perform(Action action, String reason);

    /**
     * What the engine's guards would say of {@code action} now, without performing or journaling it: empty when
     * they would let it through. A rung that changes a node in several steps (stop, move aside, reset, start) asks
     * before its first step about the steps that could be refused, so that it never stops a node only to be
     * refused half-way. When a guard that means "not now" (the quorum budget, the committed-replica budget, a node
     * busy with another recovery, the global action budget) would refuse, and the rung then fails without having
     * acted, the engine holds the recovery back and tries it again later without counting an attempt.
     *
     * <p>The default admits everything: a context that has no guards (a test double) refuses nothing.
     *
     * @param action the action the rung is about to ask for
     */
    default Optional<ActionResult.Refused> refusal(Action action) {
        return Optional.empty();
    }

    /**
     * Whether the engine's node control can move aside, restore and reset the data of {@code node} while its
     * process is stopped ({@link NodeControl#changesDataWhileStopped}). A rung that stops a node to repair its data
     * asks first, and does not stop a node whose data nothing could reach then.
     *
     * <p>The default says it can: a context without a control (a test double) reaches every node's data.
     *
     * @param node a node of the cluster
     */
    default boolean changesDataWhileStopped(NodeId node) {
        return true;
    }

    /**
     * Probes one node now, through the engine's probe with its deadline; never throws.
     *
     * @throws IllegalArgumentException if the node is not in the cluster
     */
    NodeObservation probe(NodeId node);
}
