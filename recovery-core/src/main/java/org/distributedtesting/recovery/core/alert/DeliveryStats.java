package org.distributedtesting.recovery.core.alert;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What one sink's deliveries came to, counted since it started: sent and accepted, attempts that failed and were
 * tried again, notifications given up (after their last attempt, or at once for a 4xx other than 429), and
 * notifications dropped because the queue was full. Thread-safe.
 */
public final class DeliveryStats {

    private final String sink;
    final AtomicLong delivered = new AtomicLong();
    final AtomicLong retried = new AtomicLong();
    final AtomicLong gaveUp = new AtomicLong();
    final AtomicLong dropped = new AtomicLong();

    DeliveryStats(String sink) {
        this.sink = sink;
    }

    /** The sink's name. */
    public String sink() {
        return sink;
    }

    /** Notifications the receiver accepted. */
    public long delivered() {
        return delivered.get();
    }

    /** Attempts that failed and were tried again. */
    public long retried() {
        return retried.get();
    }

    /** Notifications given up. */
    public long gaveUp() {
        return gaveUp.get();
    }

    /** Notifications dropped because the queue was full. */
    public long dropped() {
        return dropped.get();
    }

    @Override
    public String toString() {
        return sink + ": " + delivered() + " delivered, " + retried() + " retried, " + gaveUp() + " given up, "
                + dropped() + " dropped";
    }
}
