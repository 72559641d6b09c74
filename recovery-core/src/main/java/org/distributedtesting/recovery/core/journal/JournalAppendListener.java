package org.distributedtesting.recovery.core.journal;

import java.time.Duration;

/**
 * Told of every append the engine makes to its journal, with how long it took to become durable: for a metric of the
 * journal's latency and for a health check that notices a journal that can no longer be written (a full disk, a
 * read-only file system), which would otherwise show only as failed cycles. Register with
 * {@link org.distributedtesting.recovery.core.RecoveryEngine#addJournalListener}.
 *
 * <p>Called on the engine's cycle thread, right after the append, before any {@link
 * org.distributedtesting.recovery.RecoveryListener} hears of the event; must return quickly and be thread-safe when
 * shared. A listener that throws is logged and ignored.
 */
public interface JournalAppendListener {

    /** A record is durable; {@code took} is the time the append took, forcing to disk included. */
    void appended(Duration took);

    /**
     * An append failed: the record may not be durable, and the engine's cycle fails with {@code error}.
     *
     * @param took  the time until it failed
     * @param error what failed
     */
    void appendFailed(Duration took, RuntimeException error);
}
