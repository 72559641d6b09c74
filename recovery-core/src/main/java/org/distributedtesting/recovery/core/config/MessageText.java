package org.distributedtesting.recovery.core.config;

import java.util.Objects;

/**
 * Makes text from a configuration file safe to print in a one-line message: control characters (line breaks,
 * escape sequences, DEL, C1 controls), invisible format characters (such as a right-to-left override), line and
 * paragraph separators and unpaired surrogates are written as escapes ({@code \n}, {@code \u001B}), so that no
 * value can break the line, move the cursor or recolour the terminal; long values are cut short, so that a
 * 10 MB value makes a message of a line, not of 10 MB.
 *
 * <p>Stateless and thread-safe.
 */
public final class MessageText {

    /** How many characters of a value a message shows: enough to recognise it, short enough for one line. */
    public static final int MAX_SHOWN_LENGTH = 60;

    /** How many characters of a path a message shows: paths are long, and their end is what tells them apart. */
    public static final int MAX_SHOWN_PATH_LENGTH = 256;

    private MessageText() {
    }

    /**
     * {@code text} with every character that is not safe on a terminal escaped: {@code \n}, {@code \r}, {@code \t},
     * else {@code \}{@code uXXXX}. Printable characters, backslashes included, are kept as they are.
     *
     * @throws NullPointerException if {@code text} is null
     */
    public static String escape(CharSequence text) {
        Objects.requireNonNull(text, "text");
        StringBuilder out = null;
        for (int i = 0; i < text.length(); ) {
            int codePoint = Character.codePointAt(text, i);
            int length = Character.charCount(codePoint);
            if (unsafe(codePoint)) {
                if (out == null) {
                    out = new StringBuilder(text.length() + 16).append(text, 0, i);
                }
                for (int j = i; j < i + length; j++) {
                    out.append(escaped(text.charAt(j)));
                }
            } else if (out != null) {
                out.append(text, i, i + length);
            }
            i += length;
        }
        return out == null ? text.toString() : out.toString();
    }

    /**
     * {@code text} cut to {@code maxLength} characters, saying how long it was; never splits a surrogate pair.
     *
     * @throws NullPointerException if {@code text} is null
     * @throws IllegalArgumentException if {@code maxLength} is not positive
     */
    public static String shorten(String text, int maxLength) {
        Objects.requireNonNull(text, "text");
        if (maxLength <= 0) {
            throw new IllegalArgumentException("maxLength must be > 0, but was " + maxLength);
        }
        if (text.length() <= maxLength) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(maxLength - 1)) ? maxLength - 1 : maxLength;
        return text.substring(0, end) + "... (" + text.length() + " characters)";
    }

    /** {@code value} shortened to {@link #MAX_SHOWN_LENGTH}, escaped and in single quotes, as messages show it. */
    public static String quote(String value) {
        return quote(value, MAX_SHOWN_LENGTH);
    }

    /** {@code value} shortened to {@code maxLength}, escaped and in single quotes. */
    public static String quote(Object value, int maxLength) {
        return "'" + escape(shorten(String.valueOf(value), maxLength)) + "'";
    }

    private static boolean unsafe(int codePoint) {
        return switch (Character.getType(codePoint)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                    Character.SURROGATE, Character.UNASSIGNED, Character.PRIVATE_USE -> true;
            default -> false;
        };
    }

    private static String escaped(char c) {
        return switch (c) {
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\t' -> "\\t";
            default -> String.format("\\u%04X", (int) c);
        };
    }
}
