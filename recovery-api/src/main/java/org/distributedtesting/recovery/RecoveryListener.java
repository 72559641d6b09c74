package org.distributedtesting.recovery;

/**
 * Receives the engine's events: for metrics, alerts, timelines. A listener that throws is logged and ignored;
 * it never stops the engine.
 *
 * <p>Called from the engine's cycle thread, one event at a time; a listener shared between engines must be
 * thread-safe.
 */
@FunctionalInterface
public interface RecoveryListener {

    /** Handles one event; should return quickly. */
    void onEvent(RecoveryEvent event);
}
