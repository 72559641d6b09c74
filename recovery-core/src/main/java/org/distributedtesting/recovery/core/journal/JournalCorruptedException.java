package org.distributedtesting.recovery.core.journal;

import java.nio.file.Path;
import java.util.Objects;
import org.distributedtesting.recovery.RecoveryException;

/**
 * A journal file holds a line that is not a record somewhere other than at its end, where only a crash in the
 * middle of an append could have put it. The file is left as it was: a person has to look at it.
 *
 * <p>Immutable once thrown.
 */
public class JournalCorruptedException extends RecoveryException {

    private static final long serialVersionUID = 1L;

    private final String file; // a String because Path is not serializable
    private final int line;

    /**
     * @param file   the journal file
     * @param line   the 1-based number of the bad line
     * @param reason why the line is not a record
     */
    public JournalCorruptedException(Path file, int line, String reason) {
        super("recovery journal " + file + " is corrupt at line " + line + ": " + reason
                + "; only a torn last line is repaired on open, so fix or remove line " + line
                + " by hand (or move the file aside) and start again");
        this.file = Objects.requireNonNull(file, "file").toString();
        this.line = line;
    }

    /** The journal file. */
    public Path file() {
        return Path.of(file);
    }

    /** The 1-based number of the bad line. */
    public int line() {
        return line;
    }
}
