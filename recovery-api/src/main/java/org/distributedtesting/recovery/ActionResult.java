package org.distributedtesting.recovery;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What came of an {@link Action}: carried out ({@link Done}), tried and failed ({@link Failed}), refused by a
 * safety guard ({@link Refused}), or planned in a dry run ({@link Planned}). Consumers switch over
 * {@link #outcome()}.
 *
 * <p>Immutable and thread-safe.
 */
public sealed interface ActionResult {

    /** The four outcomes, with their names in the journal. */
    enum Outcome {
        /** {@link Done}. */
        DONE,
        /** {@link Failed}. */
        FAILED,
        /** {@link Refused}. */
        REFUSED,
        /** {@link Planned}. */
        PLANNED;

        /** The outcome's name in the journal, such as {@code done}. */
        public String journalName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** One line for the journal. */
    String detail();

    /** Which of the four outcomes this is. */
    Outcome outcome();

    /** Whether the action was carried out. */
    default boolean done() {
        return outcome() == Outcome.DONE;
    }

    /**
     * Whether a rung may go on as if the action had been carried out: it was ({@link Done}), or, in a dry run,
     * it would have been ({@link Planned}).
     */
    default boolean succeeded() {
        return outcome() == Outcome.DONE || outcome() == Outcome.PLANNED;
    }

    /**
     * The action was carried out.
     *
     * @param detail one line on what happened
     * @param data   facts for the journal, for example the new process id; kept sorted by key
     */
    record Done(String detail, Map<String, Object> data) implements ActionResult {
        /** @throws NullPointerException if any argument is null */
        public Done {
            Objects.requireNonNull(detail, "detail");
            // sorted by key, so that the journal's record is the same bytes in every run
            Map<String, Object> copy = new TreeMap<>();
            data.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "data key"),
                    Objects.requireNonNull(v, "data value")));
            data = Collections.unmodifiableMap(copy);
        }

        @Override
        public Outcome outcome() {
            return Outcome.DONE;
        }

        /** Done, with nothing more to say. */
        public static Done of(String detail) {
            return new Done(detail, Map.of());
        }
    }

    /**
     * The node control tried and failed.
     *
     * @param detail why
     */
    record Failed(String detail) implements ActionResult {
        /** @throws NullPointerException if {@code detail} is null */
        public Failed {
            Objects.requireNonNull(detail, "detail");
        }

        @Override
        public Outcome outcome() {
            return Outcome.FAILED;
        }
    }

    /**
     * A safety guard of the engine refused the action; the node was not touched.
     *
     * @param guard  the guard's name, for example {@code quorum_budget}
     * @param detail why
     */
    record Refused(String guard, String detail) implements ActionResult {
        /** @throws NullPointerException if any argument is null */
        public Refused {
            Objects.requireNonNull(guard, "guard");
            Objects.requireNonNull(detail, "detail");
        }

        @Override
        public Outcome outcome() {
            return Outcome.REFUSED;
        }
    }

    /**
     * Dry run: the action was planned and journaled, and not carried out.
     *
     * @param detail the plan
     */
    record Planned(String detail) implements ActionResult {
        /** @throws NullPointerException if {@code detail} is null */
        public Planned {
            Objects.requireNonNull(detail, "detail");
        }

        @Override
        public Outcome outcome() {
            return Outcome.PLANNED;
        }
    }
}
