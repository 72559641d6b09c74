package org.distributedtesting.recovery.core.guard;

import java.time.Instant;
import java.util.Objects;
import org.distributedtesting.recovery.NodeId;

/**
 * What the guards say of a confirmed failure's recovery before its next rung: one answer, from every guard asked
 * once ({@link Guards#beforeRung}).
 *
 * <p>Immutable and thread-safe.
 */
public sealed interface Verdict {

    /** Every guard agrees: run the rung now. */
    record Act() implements Verdict {
    }

    /**
     * Not now (a cooldown, a backoff): the recovery waits and is asked again in a later cycle.
     *
     * @param guard  the guard that holds it: {@code node_cooldown} or {@code backoff}
     * @param reason why, in one line
     * @param until  when the guard lets it go, if nothing else holds it then
     */
    record Wait(String guard, String reason, Instant until) implements Verdict {
        /** @throws NullPointerException if any argument is null */
        public Wait {
            Objects.requireNonNull(guard, "guard");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(until, "until");
        }
    }

    /**
     * A node of the failure is busy with another recovery. The planner may pre-empt that one, if its failure is
     * settled after this one; otherwise this recovery waits.
     *
     * @param node   the busy node
     * @param holder the key of the failure whose recovery holds it
     */
    record Busy(NodeId node, String holder) implements Verdict {
        /** @throws NullPointerException if any argument is null */
        public Busy {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(holder, "holder");
        }
    }

    /**
     * The cluster-wide action budget is spent: the recovery waits, and people are told.
     *
     * @param reason why, in one line
     */
    record BudgetSpent(String reason) implements Verdict {
        /** @throws NullPointerException if {@code reason} is null */
        public BudgetSpent {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * A node of the failure is quarantined: nothing is done until it is released.
     *
     * @param reason why, in one line
     */
    record Refuse(String reason) implements Verdict {
        /** @throws NullPointerException if {@code reason} is null */
        public Refuse {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * The failure's nodes have spent their attempts: give up and quarantine them.
     *
     * @param reason why, in one line
     */
    record Escalate(String reason) implements Verdict {
        /** @throws NullPointerException if {@code reason} is null */
        public Escalate {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
