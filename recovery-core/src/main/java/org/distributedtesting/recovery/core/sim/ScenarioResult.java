package org.distributedtesting.recovery.core.sim;

import java.util.List;
import org.distributedtesting.recovery.JournalRecord;

/**
 * The outcome of one {@link Scenario}: each fault's fate, the invariant violations, the journal and the trace.
 *
 * <p>Immutable and thread-safe.
 *
 * @param seed          the scenario's seed
 * @param faults        each injected fault's outcome, in injection order
 * @param violations    invariant violations, including acknowledged writes lost
 * @param journal       the engine's journal
 * @param trace         the simulation's trace followed by the engine's events, one line each
 * @param endedAt       virtual milliseconds at the end
 * @param healthyAtEnd  whether the engine's last cycle saw no failure
 * @param writes        client writes submitted
 * @param acknowledged  client writes acknowledged
 */
public record ScenarioResult(long seed, List<FaultOutcome> faults, List<String> violations, List<JournalRecord> journal,
                             List<String> trace, long endedAt, boolean healthyAtEnd, int writes, int acknowledged) {

    /** Copies the lists. */
    public ScenarioResult {
        faults = List.copyOf(faults);
        violations = List.copyOf(violations);
        journal = List.copyOf(journal);
        trace = List.copyOf(trace);
    }

    /** Every fault recovered, the cluster healthy at the end, no invariant broken. */
    public boolean passed() {
        return healthyAtEnd && violations.isEmpty() && faults.stream().allMatch(FaultOutcome::recovered);
    }
}
