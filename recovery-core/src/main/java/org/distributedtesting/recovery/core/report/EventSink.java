package org.distributedtesting.recovery.core.report;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.distributedtesting.recovery.JournalRecord;
import org.distributedtesting.recovery.RecoveryEvent;
import org.distributedtesting.recovery.RecoveryListener;
import org.distributedtesting.recovery.core.journal.JournalAppendListener;
import org.distributedtesting.recovery.core.journal.JournalRecords;
import org.distributedtesting.recovery.core.journal.RecoveryJournal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last stage of every decision: its event is journaled durably (the record made by {@link JournalRecords}), and
 * then every listener is told (the timeline, metrics, alerts, a user's own). The journal comes first, so a listener
 * never hears of a decision the journal could lose. A listener that throws is logged at WARN and skipped.
 *
 * <p>Thread-safe: the listener list is copy-on-write and the journal is thread-safe.
 */
public final class EventSink {

    private static final Logger LOG = LoggerFactory.getLogger(EventSink.class);

    private final RecoveryJournal journal;
    private final List<RecoveryListener> listeners = new CopyOnWriteArrayList<>();
    private final List<JournalAppendListener> appendListeners = new CopyOnWriteArrayList<>();

    /** @param journal the durable journal */
    public EventSink(RecoveryJournal journal) {
        this.journal = Objects.requireNonNull(journal, "journal");
    }

    /** Adds a listener. */
    public void addListener(RecoveryListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Removes a listener; whether it was there. */
    public boolean removeListener(RecoveryListener listener) {
        return listeners.remove(listener);
    }

    /** Adds a listener of journal appends. */
    public void addJournalListener(JournalAppendListener listener) {
        appendListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Removes a listener of journal appends; whether it was there. */
    public boolean removeJournalListener(JournalAppendListener listener) {
        return appendListeners.remove(listener);
    }

    /** The journal. */
    public RecoveryJournal journal() {
        return journal;
    }

    /**
     * Journals the event's record, if it has one, durably (returns once it is on disk), then tells every listener.
     *
     * @throws java.io.UncheckedIOException if the record could not be made durable; no listener is told then
     */
    public void emit(RecoveryEvent event) {
        JournalRecords.of(event).ifPresent(this::append);
        for (RecoveryListener listener : listeners) {
            try {
                listener.onEvent(event);
            } catch (RuntimeException e) {
                LOG.warn("recovery listener {} failed on {}; ignored", listener, event.kind(), e);
            }
        }
    }

    private void append(JournalRecord record) {
        long start = System.nanoTime();
        try {
            journal.append(record);
        } catch (RuntimeException e) {
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            appendListeners.forEach(l -> tell(l, () -> l.appendFailed(took, e)));
            throw e;
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        appendListeners.forEach(l -> tell(l, () -> l.appended(took)));
    }

    private static void tell(JournalAppendListener listener, Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.warn("journal listener {} failed; ignored", listener, e);
        }
    }
}
