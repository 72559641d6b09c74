package org.distributedtesting.recovery.examples.ratis.harness;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * How long the daemon took for one injected fault, read from its journal: detection is the
 * {@code failure_detected} record of the expected failure type on the injected node (after the
 * {@code confirmations} the config asks for), recovery the {@code recovery_verified} record of that failure; both
 * counted from the injection.
 *
 * <p>Immutable and thread-safe.
 *
 * @param injection the fault
 * @param detected  the {@code failure_detected} record
 * @param verified  the {@code recovery_verified} record
 */
public record RecoveryTimes(Injection injection, JournalEntry detected, JournalEntry verified) {

    /** @throws NullPointerException if an argument is null */
    public RecoveryTimes {
        Objects.requireNonNull(injection, "injection");
        Objects.requireNonNull(detected, "detected");
        Objects.requireNonNull(verified, "verified");
    }

    /**
     * The times of {@code injection} in {@code journal}, once it holds both records.
     *
     * @return empty while the journal lacks the detection or the verified recovery
     */
    public static Optional<RecoveryTimes> from(Injection injection, List<JournalEntry> journal) {
        String type = injection.expected().name();
        Optional<JournalEntry> detected = journal.stream()
                .filter(e -> e.action().equals("failure_detected") && e.isAbout(type, injection.node())
                        && !e.timestamp().isBefore(injection.at()))
                .findFirst();
        if (detected.isEmpty()) {
            return Optional.empty();
        }
        Object id = detected.get().details().get("failure_id");
        return journal.stream()
                .filter(e -> e.action().equals("recovery_verified") && Objects.equals(e.details().get("failure_id"), id)
                        && !e.timestamp().isBefore(detected.get().timestamp()))
                .findFirst().map(verified -> new RecoveryTimes(injection, detected.get(), verified));
    }

    /**
     * Waits until the daemon's journal shows {@code injection} detected and its recovery verified.
     *
     * @throws org.awaitility.core.ConditionTimeoutException if the journal does not show both within {@code timeout}
     */
    static RecoveryTimes await(Injection injection, Path journalFile, Duration timeout) {
        try {
            return Awaitility.await("the daemon to detect and verify the recovery of " + injection).atMost(timeout)
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> from(injection, JournalEntry.read(journalFile)), Optional::isPresent).orElseThrow();
        } catch (ConditionTimeoutException e) {
            // the journal says what the daemon did instead, which the test's temporary directory takes with it
            StringBuilder journal = new StringBuilder();
            JournalEntry.read(journalFile).forEach(entry -> journal.append("\n  ").append(entry.summary()));
            throw new AssertionError(e.getMessage() + "; the daemon's journal:" + journal, e);
        }
    }

    /** From the injection to the confirmed detection. */
    public Duration detect() {
        return Duration.between(injection.at(), detected.timestamp());
    }

    /** From the injection to the verified recovery. */
    public Duration recover() {
        return Duration.between(injection.at(), verified.timestamp());
    }

    /** When the daemon first saw the failure (before confirming it). */
    public Instant firstSeen() {
        return Instant.parse(String.valueOf(detected.details().get("first_seen")));
    }

    /** The rung whose action was verified: the {@code resolution} of {@code recovery_verified}. */
    public String rung() {
        return String.valueOf(verified.details().getOrDefault("resolution", "?"));
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "%s on '%s': detected after %.1f s, recovered by '%s' after %.1f s",
                injection.fault(), injection.node(), detect().toMillis() / 1000.0, rung(),
                recover().toMillis() / 1000.0);
    }
}
