package org.distributedtesting.recovery.core.coordination;

import java.util.Objects;

/**
 * What a {@link Coordination} says this instance may do now: act, under a fencing epoch, or stand by.
 *
 * @param active whether this instance is the active one and may act
 * @param epoch  when active, the fencing epoch it acts under (strictly larger than any epoch handed out before;
 *               0 for a lone engine, which has no coordination and sends no epoch); when standby, the last epoch
 *               this instance held, or 0
 * @param reason why, in a sentence an operator reads in the journal: who holds the lease, or what cut this instance
 *               off
 */
public record Lease(boolean active, long epoch, String reason) {

    /**
     * @throws NullPointerException if {@code reason} is null
     * @throws IllegalArgumentException if {@code epoch} is negative
     */
    public Lease {
        Objects.requireNonNull(reason, "reason");
        if (epoch < 0) {
            throw new IllegalArgumentException("an epoch is never negative, but was " + epoch);
        }
    }

    /** Active under {@code epoch}. */
    public static Lease active(long epoch, String reason) {
        return new Lease(true, epoch, reason);
    }

    /** Standing by; {@code lastEpoch} is the last epoch this instance held, or 0. */
    public static Lease standby(long lastEpoch, String reason) {
        return new Lease(false, lastEpoch, reason);
    }

    /** {@code active} or {@code standby}. */
    public String role() {
        return active ? "active" : "standby";
    }
}
