package org.distributedtesting.recovery.core.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.JournalRecord;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.RecoveryEvent;
import org.distributedtesting.recovery.RecoveryListener;
import org.distributedtesting.recovery.core.journal.RecoveryJournal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the engine reports what it does: the journal (durable, the audit record) and the listeners (metrics,
 * alerts, timelines). A listener that throws is logged at WARN and skipped.
 *
 * <p>Thread-safe: the listener list is copy-on-write and the journal is thread-safe.
 */
public final class EventSink {

    private static final Logger LOG = LoggerFactory.getLogger(EventSink.class);

    private final RecoveryJournal journal;
    private final List<RecoveryListener> listeners = new CopyOnWriteArrayList<>();

    /** @param journal the durable journal */
    public EventSink(RecoveryJournal journal) {
        this.journal = Objects.requireNonNull(journal, "journal");
    }

    /** Adds a listener. */
    public void addListener(RecoveryListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** The journal. */
    public RecoveryJournal journal() {
        return journal;
    }

    /** Appends a journal record durably; returns once it is on disk. */
    public void journal(JournalRecord record) {
        journal.append(record);
    }

    /** Tells every listener. */
    public void publish(RecoveryEvent event) {
        for (RecoveryListener listener : listeners) {
            try {
                listener.onEvent(event);
            } catch (RuntimeException e) {
                LOG.warn("recovery listener {} failed on {}; ignored", listener, event.getClass().getSimpleName(), e);
            }
        }
    }

    /** The journal details that name a failure and its evidence. */
    public static Map<String, Object> describe(Failure failure) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("failure", failure.type().name());
        details.put("failure_id", failure.key());
        details.put("nodes", failure.nodes().stream().map(NodeId::value).toList());
        details.put("severity", failure.severity().name().toLowerCase(java.util.Locale.ROOT));
        details.put("summary", failure.summary());
        details.put("evidence", failure.evidence());
        return details;
    }
}
