package org.distributedtesting.recovery.examples.ratis;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Judges, while a {@code trigger_sync} waits for the node to apply the leader's commit index, whether it can get
 * there within its budget: a follower that applies more slowly than the leader commits (a slow disk, a slowed apply
 * path) falls further behind however long the sync waits, and the daemon should hear so at once, not after its own
 * action timeout, so that it goes on to the next rung (a restart, a state transfer) seconds earlier.
 *
 * <p>The verdict is taken from the node's own commit and applied indexes, sampled while the sync waits: after
 * {@link #JUDGE_AFTER}, a backlog that does not shrink (the apply rate at or below the commit rate), or that at the
 * measured rates would not be closed within the {@link #BUDGET}, fails the sync; so does the budget running out.
 *
 * <p>Not thread-safe: one per sync.
 */
final class CatchUp {

    /** How long a sync may wait for the node to catch up; below the daemon's usual 10 s action timeout. */
    static final Duration BUDGET = Duration.ofSeconds(8);

    /** How long the rates are measured before they are judged. */
    static final Duration JUDGE_AFTER = Duration.ofSeconds(2);

    private final String node;
    private final long commitAtStart;
    private final long appliedAtStart;

    /**
     * @param node           the node's id, for the verdict
     * @param commitAtStart  the node's commit index when the sync began
     * @param appliedAtStart its applied index then
     */
    CatchUp(String node, long commitAtStart, long appliedAtStart) {
        this.node = node;
        this.commitAtStart = commitAtStart;
        this.appliedAtStart = appliedAtStart;
    }

    /**
     * The verdict after {@code elapsed} with the node at {@code commit} and {@code applied}: empty while the sync may
     * still succeed, otherwise why it cannot.
     */
    Optional<String> judge(Duration elapsed, long commit, long applied) {
        long behind = Math.max(0, commit - applied);
        String where = "'" + node + "' is " + behind + " entries behind the commit index (" + Math.max(0,
                commitAtStart - appliedAtStart) + " when the sync began)";
        if (elapsed.compareTo(BUDGET) >= 0) {
            return Optional.of(where + "; not caught up within " + BUDGET.toSeconds() + " s");
        }
        if (behind == 0 || elapsed.compareTo(JUDGE_AFTER) < 0) {
            return Optional.empty();
        }
        double seconds = elapsed.toNanos() / 1e9;
        double applyRate = (applied - appliedAtStart) / seconds;
        double commitRate = (commit - commitAtStart) / seconds;
        String rates = String.format(Locale.ROOT, "it applies %.1f entries/s while %.1f/s are committed",
                applyRate, commitRate);
        if (applyRate <= commitRate) {
            return Optional.of(where + ": " + rates + ", so it falls further behind however long it syncs;"
                    + " restart it or transfer the state");
        }
        double needed = behind / (applyRate - commitRate);
        if (seconds + needed > BUDGET.toNanos() / 1e9) {
            return Optional.of(where + ": " + rates + String.format(Locale.ROOT, ", so it needs about %.0f s more,"
                    + " past the sync's %d s", needed, BUDGET.toSeconds()));
        }
        return Optional.empty();
    }
}
