package org.distributedtesting.recovery.examples.ratis;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;

/**
 * Counts the elections this node started since it started: every term its own campaigns raised, seen by sampling
 * its role and term every {@value #PERIOD_MS} ms (well under Ratis' 400 ms minimum election timeout, so a candidate
 * is seen in every round). A term that rose while the node was a candidate was raised by its own election; a term
 * adopted from a leader's or another candidate's message makes the node a follower, and does not count.
 *
 * <p>Ratis' own {@code electionCount} metric is no substitute: it counts an election when it ends, and a candidate
 * cut off from the others stays in one election whose rounds time out one after another, each in a higher term,
 * without it ever ending, which is exactly the campaigning node the term divergence detector looks for.
 *
 * <p>Thread-safe: {@link #sample} runs on one scheduler thread; the count is atomic.
 */
final class CampaignCounter {

    /** How often the role and term are sampled. */
    static final long PERIOD_MS = 100;

    private final AtomicLong started = new AtomicLong();
    // sampler thread only
    private long lastTerm = -1;

    /** Reads the division's role and term, and counts the terms a campaign of this node raised since the last one. */
    void sample(Optional<RaftServer.Division> division) {
        if (division.isEmpty()) {
            return;
        }
        DivisionInfo info = division.get().getInfo();
        long term = info.getCurrentTerm();
        if (info.getCurrentRole() == RaftPeerRole.CANDIDATE && lastTerm >= 0 && term > lastTerm) {
            started.addAndGet(term - lastTerm);
        }
        lastTerm = term;
    }

    /** Elections this node started, as far as sampling saw. */
    long started() {
        return started.get();
    }
}
