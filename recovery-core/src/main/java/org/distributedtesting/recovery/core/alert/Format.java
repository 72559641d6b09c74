package org.distributedtesting.recovery.core.alert;

import java.time.Instant;
import java.util.List;
import org.distributedtesting.recovery.RecoveryEvent;

/**
 * What one kind of sink sends: the notices for an event (a stateful format, such as Alertmanager's, remembers what is
 * open so that it can resolve it), the notices to send again on a timer, and a test notice.
 *
 * <p>Called on the engine's thread ({@link #onEvent}) and the router's timer ({@link #resend}): implementations
 * synchronize what they remember.
 */
interface Format {

    /** The notices for {@code event}; empty when this sink does not want it. */
    List<Notice> onEvent(RecoveryEvent event);

    /** Notices to send again now (Alertmanager's open alerts); none by default. */
    default List<Notice> resend(Instant now) {
        return List.of();
    }

    /** One test notification, as {@code --test-alerts} sends it. */
    List<Notice> test(Instant now);
}
