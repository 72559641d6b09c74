package org.distributedtesting.recovery.core.http;

import java.util.Objects;

/**
 * Text that came from a node (a status detail, an error message, an operation's kind, a command's output) made safe
 * to show an operator: every character that could change how a terminal, a log viewer or a line-based reader shows
 * it is escaped as {@code \\uXXXX}, so that a node can neither forge a line of the timeline nor colour or move the
 * cursor of the terminal that shows it. That is the C0 and C1 control characters (line feed, carriage return,
 * escape, ...), the Unicode line and paragraph separators, and the bidirectional formatting characters, which can
 * make a line read differently from what it holds. Everything else is kept as sent.
 *
 * <p>Stateless and thread-safe.
 */
public final class NodeText {

    /** The longest text kept from one field of a node's answer; the rest is cut and counted. */
    public static final int MAX_CHARS = 4_096;

    private NodeText() {
    }

    /**
     * {@code text} with every character that can change its display escaped, cut after {@link #MAX_CHARS}.
     *
     * @throws NullPointerException if {@code text} is null
     */
    public static String printable(String text) {
        return printable(text, MAX_CHARS);
    }

    /**
     * {@code text} with every character that can change its display escaped, cut after {@code maxChars} characters
     * of the original with a note of how many were left out.
     *
     * @throws NullPointerException     if {@code text} is null
     * @throws IllegalArgumentException if {@code maxChars} is negative
     */
    public static String printable(String text, int maxChars) {
        Objects.requireNonNull(text, "text");
        if (maxChars < 0) {
            throw new IllegalArgumentException("maxChars must be >= 0, but was " + maxChars);
        }
        int end = text.length() <= maxChars ? text.length() : text.offsetByCodePoints(0,
                Math.min(maxChars, text.codePointCount(0, text.length())));
        if (end == text.length() && isPrintable(text)) {
            return text;
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), maxChars) + 16);
        text.substring(0, end).codePoints().forEach(c -> {
            if (changesDisplay(c)) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        if (end < text.length()) {
            out.append("... (").append(text.length() - end).append(" more characters)");
        }
        return out.toString();
    }

    /** Whether {@code text} holds no character that {@link #printable} would escape. */
    public static boolean isPrintable(String text) {
        return text.codePoints().noneMatch(NodeText::changesDisplay);
    }

    private static boolean changesDisplay(int c) {
        return Character.isISOControl(c)
                || c == 0x2028 || c == 0x2029                   // line and paragraph separators
                || c == 0x061C || c == 0x200E || c == 0x200F    // bidirectional marks
                || (c >= 0x202A && c <= 0x202E)                 // bidirectional embeddings and overrides
                || (c >= 0x2066 && c <= 0x2069);                // bidirectional isolates
    }
}
