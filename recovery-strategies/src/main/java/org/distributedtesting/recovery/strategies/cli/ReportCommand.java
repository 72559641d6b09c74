package org.distributedtesting.recovery.strategies.cli;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.distributedtesting.recovery.JournalRecord;
import org.distributedtesting.recovery.RecoveryException;
import org.distributedtesting.recovery.core.config.ConfigException;
import org.distributedtesting.recovery.core.config.ConfigLoader;
import org.distributedtesting.recovery.core.config.MessageText;
import org.distributedtesting.recovery.core.config.RecoveryConfig;
import org.distributedtesting.recovery.core.history.HistoryDatabase;
import org.distributedtesting.recovery.core.history.HistoryException;
import org.distributedtesting.recovery.core.history.HistoryReport;
import org.distributedtesting.recovery.core.journal.FileRecoveryJournal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code recovery.jar report}: what the journal's history says, computed in SQL by DuckDB. With {@code --config} and
 * a {@code history_database}, that database is opened (created when missing) and caught up with the journal first;
 * when a running daemon holds it, or without one, or with {@code --journal}, the report is computed in a database in
 * memory, built from the journal and discarded. Exit code 0, or 2 for a usage or configuration error.
 *
 * <p>Not thread-safe; one instance per command line.
 */
@Command(name = "report", mixinStandardHelpOptions = true, versionProvider = BuildVersion.class, sortOptions = false,
        usageHelpAutoWidth = true,
        description = {"Prints what the journal's history says, computed by DuckDB: failures by type, median and"
                + " p95 time to recover, escalations, actions by outcome, the nodes that fail most.%n"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the report was printed", "2:usage or configuration error, or no journal"})
final class ReportCommand implements Callable<Integer> {

    /** The formats of {@code --format}. */
    enum Format { text, json }

    private static final Pattern SINCE = Pattern.compile("(\\d{1,9})([smhdw])");

    @Option(names = "--config", paramLabel = "FILE", description = "the daemon's configuration: its journal, and its"
            + " history_database when it has one")
    Path config;

    @Option(names = "--journal", paramLabel = "DIR", description = "a recovery directory (or its "
            + FileRecoveryJournal.JOURNAL_FILE_NAME + "), without a configuration")
    Path journal;

    @Option(names = "--since", paramLabel = "AGE", description = "only what happened in the last AGE: a number and"
            + " s, m, h, d or w (7d, 12h); default: everything")
    String since;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
            description = "text or json (default: ${DEFAULT-VALUE})")
    Format format;

    private final PrintStream out;
    private final PrintStream err;
    private final Clock clock;

    ReportCommand(PrintStream out, PrintStream err, Clock clock) {
        this.out = out;
        this.err = err;
        this.clock = clock;
    }

    @Override
    public Integer call() {
        if ((config == null) == (journal == null)) {
            return usage(config == null ? "report needs --config FILE or --journal DIR"
                    : "--config and --journal cannot be combined: the config names its journal");
        }
        Optional<Instant> from;
        try {
            from = since == null ? Optional.empty() : Optional.of(clock.instant().minus(age(since)));
        } catch (IllegalArgumentException e) {
            return usage(e.getMessage());
        }
        Path journalFile;
        Optional<Path> databaseFile;
        if (config != null) {
            RecoveryConfig cfg;
            try {
                cfg = ConfigLoader.load(config);
            } catch (ConfigException e) {
                err.println("recovery: " + MessageText.escape(e.getMessage()));
                return RecoveryDaemon.USAGE;
            }
            journalFile = cfg.recoveryDir().resolve(FileRecoveryJournal.JOURNAL_FILE_NAME);
            databaseFile = cfg.historyDatabase();
        } else {
            journalFile = Files.isDirectory(journal) ? journal.resolve(FileRecoveryJournal.JOURNAL_FILE_NAME) : journal;
            if (!Files.isRegularFile(journalFile)) {
                return usage("no recovery journal at " + journalFile);
            }
            databaseFile = Optional.empty();
        }
        List<JournalRecord> records;
        try {
            records = Files.exists(journalFile) ? FileRecoveryJournal.read(journalFile) : List.of();
        } catch (RecoveryException | UncheckedIOException e) {
            err.println("recovery: " + MessageText.escape(String.valueOf(e.getMessage())));
            return RecoveryDaemon.USAGE;
        }
        HistoryReport report;
        try (HistoryDatabase database = database(databaseFile)) {
            database.catchUp(records);
            report = HistoryReport.of(database, from);
        } catch (HistoryException e) {
            err.println("recovery: " + MessageText.escape(String.valueOf(e.getMessage())));
            return RecoveryDaemon.USAGE;
        }
        out.print(format == Format.json ? ReportFormat.json(report) : ReportFormat.text(report, since));
        return RecoveryDaemon.OK;
    }

    /** The configured database, or one in memory when there is none or it cannot be used now. */
    private HistoryDatabase database(Optional<Path> file) {
        if (file.isPresent()) {
            try {
                return HistoryDatabase.open(file.get());
            } catch (HistoryException e) {
                err.println("recovery: " + (e.held() ? "history database " + file.get() + " is in use by the daemon"
                        : MessageText.escape(String.valueOf(e.getMessage()))) + "; reporting from the journal");
            }
        }
        return HistoryDatabase.inMemory();
    }

    private int usage(String problem) {
        err.println("recovery: " + MessageText.escape(problem) + " (see report --help)");
        return RecoveryDaemon.USAGE;
    }

    /**
     * {@code 7d} as a duration.
     *
     * @throws IllegalArgumentException if it is not a number and one of s, m, h, d or w
     */
    static Duration age(String text) {
        Matcher m = SINCE.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("--since must be a number and s, m, h, d or w (such as 7d or 12h),"
                    + " but was '" + text + "'");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofDays(7 * n);
        };
    }
}
