package org.distributedtesting.recovery.core.supervise;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.distributedtesting.recovery.core.http.NodeText;

/**
 * The last lines a node's process wrote to its log, for a journal record that says why it ended: bounded, and with
 * every control character escaped, since a node's output is the node's text and must not forge lines of the
 * daemon's own output or colour an operator's terminal.
 *
 * <p>Stateless and thread-safe.
 */
final class OutputTail {

    /** How many lines are kept. */
    static final int LINES = 3;
    /** How many characters are kept at most, after escaping. */
    static final int MAX_CHARS = 400;
    private static final int READ_BYTES = 4096;

    private OutputTail() {
    }

    /**
     * The last {@value #LINES} non-blank lines of {@code log} after its last header line (one that starts with
     * {@code header}), joined with {@code " | "}; empty when there is nothing to show or the file cannot be read.
     */
    static Optional<String> of(Path log, String header) {
        String text;
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long start = Math.max(0, file.length() - READ_BYTES);
            byte[] bytes = new byte[(int) (file.length() - start)];
            file.seek(start);
            file.readFully(bytes);
            text = new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return Optional.empty();
        }
        return ofText(text, header);
    }

    /**
     * The last {@value #LINES} non-blank lines of {@code text} after its last line that starts with {@code header}
     * (null: none), as {@link #of}; empty when there is nothing to show.
     */
    static Optional<String> ofText(String text, String header) {
        List<String> lines = new ArrayList<>();
        for (String line : text.lines().toList()) {
            if (header != null && line.startsWith(header)) {
                lines.clear();
            } else if (!line.isBlank()) {
                lines.add(line.strip());
            }
        }
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        String joined = String.join(" | ", lines.subList(Math.max(0, lines.size() - LINES), lines.size()));
        String escaped = escape(joined);
        return Optional.of(escaped.length() <= MAX_CHARS ? escaped : "..." + escaped.substring(escaped.length()
                - MAX_CHARS));
    }

    /** Control characters as {@code \\uXXXX}, so that text from a node stays one line of plain text. */
    static String escape(String text) {
        return NodeText.printable(text, Integer.MAX_VALUE);
    }
}
