package org.distributedtesting.recovery;

import java.util.Map;
import java.util.Objects;

/**
 * What came of an {@link Action}. Sealed: the engine and strategies switch over it.
 *
 * <p>Immutable and thread-safe.
 */
public sealed interface ActionResult {

    /** One line for the journal. */
    String detail();

    /** Whether the action was carried out. */
    default boolean done() {
        return this instanceof Done;
    }

    /**
     * The action was carried out.
     *
     * @param detail one line on what happened
     * @param data   facts for the journal, for example the new process id
     */
    record Done(String detail, Map<String, Object> data) implements ActionResult {
        /** @throws NullPointerException if any argument is null */
        public Done {
            Objects.requireNonNull(detail, "detail");
            data = Map.copyOf(data);
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
    }
}
