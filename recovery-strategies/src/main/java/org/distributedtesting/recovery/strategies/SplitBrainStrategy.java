package org.distributedtesting.recovery.strategies;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.ClusterHistory;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.RecoveryContext;
import org.distributedtesting.recovery.RungResult;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.SettingsException;
import org.distributedtesting.recovery.Severity;
import org.distributedtesting.recovery.core.LadderStrategy;

/**
 * Split brain: more than one reachable node claims leadership. Two leaders of the <em>same</em> term break Raft's
 * election safety: the failure is {@link Severity#CRITICAL} and immediate (the engine acts without waiting for
 * confirmation). Leaders of different terms (typically a stale leader cut off on a minority side that has not
 * noticed it lost its term) are confirmed over the engine's {@code confirmations} cycles like any failure.
 *
 * <p>The failure affects the claimed leaders to be fenced: all of them when two share a term or none can be kept,
 * else every claimed leader but the one to keep, so that the leader the majority follows is never quarantined or
 * held busy by this recovery.
 *
 * <p>Ladder, least invasive first; terms are never lowered:
 * <ol>
 *   <li>{@code fence_stale_leaders} (journal {@value #FENCE_ACTION}): keep the leader with the highest term that a
 *       majority of the voters follows (reachable voters naming it in its term, and itself) and ask every other
 *       claimed leader to step down; skipped when no claimed leader has a majority, or when another claimed leader
 *       shares the highest term: a term held by two leaders cannot tell which one was elected, and their logs may
 *       already disagree within it, so neither is kept;</li>
 *   <li>{@code step_down_all} (journal {@code step_down_all_leaders}): when no leader can be kept, ask every
 *       claimed leader to step down, so that a fresh election runs above the highest term and the voters'
 *       up-to-date-log rule picks the next leader; skipped when a leader can be kept (the others refused to step
 *       down: stepping the kept one down as well would only cost an election);</li>
 *   <li>{@code restart_staggered} (journal {@code restart_leaders_staggered}): restart one claimed leader per
 *       attempt, the lowest term first, through the engine's quorum budget (action {@value #RESTART_ACTION}).</li>
 * </ol>
 * Verified when no reachable node but one claims leadership.
 *
 * <p>No settings: the detector has no threshold (two claimed leaders are a fact, not a trend), and the damping is
 * the engine's {@code confirmations}.
 *
 * <p>Thread-safe and stateless; subclass it and override a rung to change one step.
 */
public class SplitBrainStrategy extends LadderStrategy {

    /** The strategy's name in the registry and the config file. */
    public static final String NAME = "split_brain";

    /** The journal action of the first rung, the seed's name. */
    public static final String FENCE_ACTION = "recover_split_brain";

    /** The journal name of the restart of a claimed leader. */
    public static final String RESTART_ACTION = "restart_split_brain_leader";

    private final SplitBrainDetector detector = new SplitBrainDetector();

    /**
     * @param settings tuning from the config file: none, so any key is refused
     * @throws NullPointerException if {@code settings} is null
     * @throws SettingsException if {@code settings} has any key
     */
    public SplitBrainStrategy(Settings settings) {
        super(NAME, FailureType.SPLIT_BRAIN, settings);
        new SettingsReader(NAME, settings).rejectUnknownKeys();
        rung("fence_stale_leaders", FENCE_ACTION, this::fenceStaleLeaders);
        rung("step_down_all", "step_down_all_leaders", this::stepDownAll);
        rung("restart_staggered", "restart_leaders_staggered", this::restartStaggered);
    }

    /** With the default settings. */
    public SplitBrainStrategy() {
        this(Settings.EMPTY);
    }

    @Override
    protected List<Failure> detect(ClusterSnapshot snapshot, ClusterHistory history) {
        return detector.detect(snapshot, history);
    }

    /**
     * Rung 0: keep the leader with the highest term that a majority follows, and ask every other claimed leader to
     * step down.
     *
     * @return skipped when no claimed leader has a majority; failed when a step-down failed or was refused
     */
    protected RungResult fenceStaleLeaders(Failure failure, RecoveryContext context) {
        ClusterSnapshot snapshot = context.snapshot();
        List<NodeId> leaders = snapshot.leaders();
        if (leaders.size() < 2) {
            return RungResult.acted("only " + leaders + " claims leadership now; nothing to fence");
        }
        Optional<NodeId> kept = Leadership.leaderToKeep(snapshot);
        if (kept.isEmpty()) {
            return RungResult.skipped(Leadership.whyNoneToKeep(snapshot));
        }
        NodeId keep = kept.get();
        int support = Leadership.supportCount(snapshot, keep);
        List<String> fenced = new ArrayList<>();
        for (NodeId leader : leaders) {
            if (leader.equals(keep)) {
                continue;
            }
            ActionResult result = context.perform(new Action.StepDown(leader, Optional.empty()),
                    "split brain: fence '" + leader + "' (term " + term(snapshot, leader) + "); a majority ("
                            + support + " of " + snapshot.voters().size() + " voters) follows '" + keep + "' (term "
                            + term(snapshot, keep) + ")");
            if (!result.succeeded()) {
                return RungResult.failed("step down of '" + leader + "' " + result.detail());
            }
            fenced.add(leader.value());
        }
        return RungResult.acted("kept '" + keep + "' (term " + term(snapshot, keep) + ", followed by " + support
                + " of " + snapshot.voters().size() + " voters); fenced " + fenced);
    }

    /**
     * Rung 1: when no claimed leader can be kept, ask every claimed leader to step down, so that the cluster elects
     * one leader afresh, above the highest term, and the voters' up-to-date-log rule picks it.
     *
     * @return skipped when a majority follows a leader that can be kept (fencing the others failed: stepping the
     *         kept one down would not help); failed when a step-down failed or was refused
     */
    protected RungResult stepDownAll(Failure failure, RecoveryContext context) {
        ClusterSnapshot snapshot = context.snapshot();
        List<NodeId> leaders = snapshot.leaders();
        if (leaders.size() < 2) {
            return RungResult.acted("only " + leaders + " claims leadership now; nothing to step down");
        }
        Optional<NodeId> kept = Leadership.leaderToKeep(snapshot);
        if (kept.isPresent()) {
            return RungResult.skipped("a majority follows '" + kept.get() + "' (term " + term(snapshot, kept.get())
                    + "): stepping it down would not fence the others, which did not step down when asked");
        }
        List<String> failed = new ArrayList<>();
        for (NodeId leader : leaders) {
            ActionResult result = context.perform(new Action.StepDown(leader, Optional.empty()),
                    "split brain: " + Leadership.whyNoneToKeep(snapshot) + "; every claimed leader steps down for"
                            + " a fresh election");
            if (!result.succeeded()) {
                failed.add("'" + leader + "' " + result.detail());
            }
        }
        if (!failed.isEmpty()) {
            return RungResult.failed("step down failed for " + String.join("; ", failed));
        }
        return RungResult.acted("stepped down " + leaders + "; a fresh election runs above term "
                + leaders.stream().mapToLong(l -> term(snapshot, l)).max().orElse(-1));
    }

    /**
     * Rung 2: restart one claimed leader, the one with the lowest term (then the fewest followers), through the
     * engine's quorum budget; the rung repeats for the next one on the next attempt.
     *
     * @return failed when the restart failed or was refused
     */
    protected RungResult restartStaggered(Failure failure, RecoveryContext context) {
        ClusterSnapshot snapshot = context.snapshot();
        List<NodeId> leaders = snapshot.leaders();
        if (leaders.size() < 2) {
            return RungResult.acted("only " + leaders + " claims leadership now; nothing to restart");
        }
        NodeId target = leaders.stream()
                .min(Comparator.comparingLong((NodeId l) -> term(snapshot, l))
                        .thenComparing(l -> Leadership.supportCount(snapshot, l))
                        .thenComparing(Comparator.naturalOrder()))
                .orElseThrow();
        ActionResult result = context.perform(new Action.Restart(target, RESTART_ACTION),
                "split brain: restart '" + target + "', the claimed leader with the lowest term ("
                        + term(snapshot, target) + "), one at a time");
        if (!result.succeeded()) {
            return RungResult.failed("restart of '" + target + "' " + result.detail());
        }
        return RungResult.acted("restarted '" + target + "' (term " + term(snapshot, target) + "); "
                + (leaders.size() - 1) + " other claimed leader(s) remain for the next attempts if still needed");
    }

    private static long term(ClusterSnapshot snapshot, NodeId leader) {
        return Leadership.termOf(snapshot, leader);
    }
}
