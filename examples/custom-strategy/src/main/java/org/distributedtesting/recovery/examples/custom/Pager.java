package org.distributedtesting.recovery.examples.custom;

import org.distributedtesting.recovery.Failure;

/**
 * Tells a person on call about a failure the engine is about to act on. A real host sends it to its paging
 * service; {@link #logging()} only writes a log line.
 *
 * <p>Implementations must be thread-safe: the engine may page from any thread.
 */
@FunctionalInterface
public interface Pager {

    /**
     * Pages about {@code failure}. Should return quickly; an exception is logged by the caller and does not stop
     * the recovery.
     *
     * @param failure the failure being recovered
     */
    void page(Failure failure);

    /** A pager that logs each page at WARN through SLF4J. */
    static Pager logging() {
        return LoggingPager.INSTANCE;
    }
}
