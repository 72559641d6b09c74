package org.distributedtesting.recovery.core.sim;

/**
 * The faults injected into one simulated node, as flags its behaviour reads.
 *
 * <p>Not thread-safe; the simulation's lock guards it.
 */
final class NodeFaults {
    /**
     * The node's consensus module is not running while its process and protocol server are: it answers with role
     * unknown and takes no part in elections or replication until restarted.
     */
    boolean notServing;
    /** The apply loop is stuck (a deadlock): committed entries are not applied. */
    boolean applyStuck;
    /** When the apply loop got stuck, or -1. */
    long applyStuckSince = -1;
    /** The next this many applied commands compute a wrong result. */
    int wrongApplies;
    /** Keeps campaigning with short timeouts and without pre-vote. */
    boolean campaignLoop;
    /** Does not start elections (a recovery action). */
    boolean electionsPaused;
    /** A GC-like pause: answers nothing until then. */
    long pausedUntil;
    /** Writes to disk take this long before a reply. */
    long slowDiskMillis;
    /** Operations that never finish: count and since when. */
    int stuckOperations;
    long stuckOperationsSince = -1;
    /** Resource growth per virtual second. */
    long diskGrowthPerSecond;
    long memoryGrowthPerSecond;
    long fileGrowthPerSecond;
    /** Crash again this long after each start, this many more times (a crash loop). */
    int crashLoopsLeft;
    long crashLoopAfterMillis;
    /** The process fails to start (for example on a corrupt log). */
    boolean failsToStart;
    /** Every recovery action on this node fails (a node that resists recovery, for escalation tests). */
    boolean refusesActions;
}
