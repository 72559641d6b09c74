package org.distributedtesting.recovery;

import java.util.Objects;

/**
 * What one rung of a recovery ladder did. The engine verifies {@link Acted} by re-probing, climbs at once past
 * {@link Skipped}, and counts {@link Failed} as a failed attempt.
 *
 * <p>Immutable and thread-safe.
 */
public sealed interface RungResult {

    /** The three results; consumers switch over {@link #kind()}. */
    enum Kind {
        /** {@link Acted}. */
        ACTED,
        /** {@link Skipped}. */
        SKIPPED,
        /** {@link Failed}. */
        FAILED
    }

    /** One line for the journal. */
    String detail();

    /** Which of the three results this is. */
    Kind kind();

    /** The rung acted; the engine now verifies that the failure is gone. */
    record Acted(String detail) implements RungResult {
        /** @throws NullPointerException if {@code detail} is null */
        public Acted {
            Objects.requireNonNull(detail, "detail");
        }

        @Override
        public Kind kind() {
            return Kind.ACTED;
        }
    }

    /** The rung does not apply to this failure (for example nothing to cancel); try the next rung now. */
    record Skipped(String detail) implements RungResult {
        /** @throws NullPointerException if {@code detail} is null */
        public Skipped {
            Objects.requireNonNull(detail, "detail");
        }

        @Override
        public Kind kind() {
            return Kind.SKIPPED;
        }
    }

    /** The rung could not act (an action failed or was refused). */
    record Failed(String detail) implements RungResult {
        /** @throws NullPointerException if {@code detail} is null */
        public Failed {
            Objects.requireNonNull(detail, "detail");
        }

        @Override
        public Kind kind() {
            return Kind.FAILED;
        }
    }

    /** Shorthand for {@code new Acted(detail)}. */
    static RungResult acted(String detail) {
        return new Acted(detail);
    }

    /** Shorthand for {@code new Skipped(detail)}. */
    static RungResult skipped(String detail) {
        return new Skipped(detail);
    }

    /** Shorthand for {@code new Failed(detail)}. */
    static RungResult failed(String detail) {
        return new Failed(detail);
    }
}
