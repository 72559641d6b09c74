package org.distributedtesting.recovery.core.journal;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.distributedtesting.recovery.JournalRecord;

/**
 * The child process of {@link JournalKillTest}: appends records to a {@link FileRecoveryJournal} in a tight loop
 * and prints {@code ACK <n>} after each append returns, until it is killed, its stdout is gone, or it has
 * written the maximum number of records.
 *
 * <p>Not thread-safe; a single-threaded program.
 */
public final class JournalAppenderMain {

    private JournalAppenderMain() {
    }

    /**
     * @param args the recovery directory and the maximum number of records
     */
    public static void main(String[] args) {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: JournalAppenderMain <recoveryDir> <maxRecords>, but got "
                    + args.length + " arguments");
        }
        Path recoveryDir = Path.of(args[0]);
        long maxRecords = Long.parseLong(args[1]);
        try (FileRecoveryJournal journal = FileRecoveryJournal.open(recoveryDir)) {
            for (long seq = 0; seq < maxRecords; seq++) {
                Map<String, Object> details = new LinkedHashMap<>();
                details.put("seq", seq);
                details.put("node_id", "node-" + (seq % 3 + 1));
                // lengths that vary and cross page boundaries, so a kill can land inside a line
                details.put("padding", "p".repeat((int) (seq * 37 % 1500)));
                journal.append(new JournalRecord(Instant.now(), "restart_node", details));
                System.out.println("ACK " + seq);
                System.out.flush();
                if (System.out.checkError()) {
                    return; // the parent is gone: stop rather than fill the disk
                }
            }
        }
    }
}
