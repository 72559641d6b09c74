package org.distributedtesting.recovery.examples.ratis.harness;

import java.time.Instant;
import java.util.Objects;
import org.distributedtesting.recovery.FailureType;

/**
 * A fault the harness injected: what, into which node, when, and the failure type the daemon should detect.
 *
 * <p>Immutable and thread-safe.
 *
 * @param fault    the fault's name, such as {@code crash_follower}
 * @param expected the failure type the daemon should detect and recover
 * @param node     the node it was injected into
 * @param at       when it took effect
 * @param detail   what was done, for a report
 */
public record Injection(String fault, FailureType expected, String node, Instant at, String detail) {

    /** @throws NullPointerException if an argument is null */
    public Injection {
        Objects.requireNonNull(fault, "fault");
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(detail, "detail");
    }

    @Override
    public String toString() {
        return fault + " on '" + node + "' at " + at + " (" + detail + "; expect " + expected.name() + ")";
    }
}
