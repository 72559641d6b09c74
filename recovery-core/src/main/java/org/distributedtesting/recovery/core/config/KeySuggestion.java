package org.distributedtesting.recovery.core.config;

import java.util.Collection;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Finds the known name an unknown one was probably meant to be, by edit distance, for the "did you mean" of
 * unknown keys: the config file's own and those of strategies' settings.
 *
 * <p>Stateless and thread-safe.
 */
public final class KeySuggestion {

    /** Farther than this and a suggestion confuses more than it helps. */
    static final int MAX_DISTANCE = 2;

    private KeySuggestion() {
    }

    /**
     * The known name closest to {@code unknown} within {@link #MAX_DISTANCE} edits, ignoring case; the first one
     * on a tie.
     *
     * @throws NullPointerException if an argument or a known name is null
     */
    public static Optional<String> closest(String unknown, Collection<String> known) {
        Objects.requireNonNull(unknown, "unknown");
        Objects.requireNonNull(known, "known");
        String target = unknown.toLowerCase(Locale.ROOT);
        String best = null;
        int bestDistance = MAX_DISTANCE + 1;
        for (String candidate : known) {
            // the distance is at least the difference in length: a long unknown name costs nothing
            if (Math.abs(candidate.length() - target.length()) >= bestDistance) {
                continue;
            }
            int distance = distance(target, candidate.toLowerCase(Locale.ROOT));
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * What an "unknown key" message adds: {@code did you mean 'max_lag_entries'?} for a near miss, else
     * {@code known keys are a, b, c}.
     *
     * @throws NullPointerException if an argument or a known name is null
     */
    public static String hint(String unknown, Collection<String> known) {
        return closest(unknown, known)
                .map(k -> "did you mean '" + k + "'?")
                .orElse("known keys are " + String.join(", ", known));
    }

    /** Levenshtein distance: insertions, deletions and substitutions of one character each cost 1. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
