package org.distributedtesting.recovery.examples.ratis;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorageMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the elections this node started since it started: every term rise after which the node's persisted vote
 * is its own, sampled every {@value #PERIOD_MS} ms. A node that starts an election raises its term and votes for
 * itself (Raft persists both before it asks for votes); a term adopted from a leader leaves no vote, and one
 * adopted from another candidate leaves a vote for that candidate, so neither counts. Several of its own elections
 * between two samples count as the terms they added.
 *
 * <p>Ratis' own {@code electionCount} metric is no substitute: it counts an election when it ends, and a candidate
 * cut off from the others stays in one election whose rounds fail one after another, each in a higher term, which is
 * exactly the campaigning node the term divergence detector looks for. Sampling the role is no substitute either: a
 * candidate whose vote requests are refused at once is back to follower within milliseconds.
 *
 * <p>Thread-safe: {@link #sample} runs on one scheduler thread; the count is atomic.
 */
final class CampaignCounter {

    /** How often the term and vote are sampled. */
    static final long PERIOD_MS = 100;

    private static final Logger LOG = LoggerFactory.getLogger(CampaignCounter.class);

    private final AtomicLong started = new AtomicLong();
    // sampler thread only
    private long lastTerm = -1;

    /** Reads the division's persisted term and vote, and counts the terms its own elections added since the last. */
    void sample(Optional<RaftServer.Division> division) {
        if (division.isEmpty()) {
            return;
        }
        RaftStorageMetadata meta;
        try {
            meta = division.get().getRaftStorage().getMetadataFile().getMetadata();
        } catch (IOException e) {
            // the next sample reads it again; a rise in between is counted then
            LOG.debug("cannot read the term and vote of {}: {}", division.get().getMemberId(), e.toString());
            return;
        }
        long term = meta.getTerm();
        boolean ownVote = division.get().getId().equals(meta.getVotedFor());
        if (lastTerm >= 0 && term > lastTerm && ownVote) {
            started.addAndGet(term - lastTerm);
        }
        lastTerm = term;
    }

    /** Elections this node started, as far as sampling saw. */
    long started() {
        return started.get();
    }
}
