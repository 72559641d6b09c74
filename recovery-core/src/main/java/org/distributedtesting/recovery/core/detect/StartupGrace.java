package org.distributedtesting.recovery.core.detect;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.core.detect.Damping.Detected;
import org.distributedtesting.recovery.core.state.EngineState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node this engine has just started is coming up, not failing: what the detectors find on it alone until it
 * answers its first probe is held back. A restarted coordinator can take seconds to answer (its runtime starts, it
 * checks its data, it replays its log), and meanwhile its peers and the daemon cannot reach it: without the grace, the
 * partition detector would call it cut off, and a new failure would take over from the recovery that restarted it
 * and is waiting to verify it.
 *
 * <p>The grace ends when the node answers, when its supervisor sees its process end (a crash, which the recovery
 * that started it notices at once), or {@code verify_timeout} after the start (then the node is judged like any
 * other, and the recovery that started it has failed its rung anyway). A failure that names other nodes too is never
 * held back. See {@link EngineState#starting}.
 *
 * <p>Not thread-safe; the engine's cycle lock guards it.
 */
public final class StartupGrace {

    private static final Logger LOG = LoggerFactory.getLogger(StartupGrace.class);

    private final EngineState state;
    private final Set<String> held = new HashSet<>(); // failure keys held back and said so, while their nodes start

    /** @throws NullPointerException if {@code state} is null */
    public StartupGrace(EngineState state) {
        this.state = Objects.requireNonNull(state, "state");
    }

    /**
     * The findings that stand: every one of {@code detected} except those whose every node is {@linkplain
     * EngineState#starting starting}.
     */
    public List<Detected> holdBack(List<Detected> detected, Instant now) {
        List<Detected> kept = new ArrayList<>(detected.size());
        Set<String> heldNow = new HashSet<>();
        for (Detected d : detected) {
            Failure failure = d.failure();
            if (!failure.nodes().stream().allMatch(state::starting)) {
                kept.add(d);
                continue;
            }
            heldNow.add(failure.key());
            if (!held.contains(failure.key())) {
                LOG.info("{} held back: {} started by this engine {} ago and not answering yet; starting, not"
                        + " failing, until it answers or verify_timeout passes", failure.key(),
                        failure.nodes(), since(failure, now));
            }
        }
        held.clear(); // said once while held; said again if held again after a break
        held.addAll(heldNow);
        return kept;
    }

    private String since(Failure failure, Instant now) {
        NodeId first = failure.nodes().get(0);
        return state.startingSince(first).map(at -> Duration.between(at, now).toMillis() + " ms").orElse("?");
    }
}
