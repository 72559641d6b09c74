package org.distributedtesting.recovery.strategies.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.JournalRecord;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.core.history.HistoryDatabase;
import org.distributedtesting.recovery.core.journal.FileRecoveryJournal;
import org.distributedtesting.recovery.core.sim.Scenario;
import org.distributedtesting.recovery.core.sim.SimClock;
import org.distributedtesting.recovery.strategies.BuiltInStrategies;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code recovery.jar report} over the journal of simulated runs of the real strategies (all ten faults on five
 * nodes, then on three; a partition that never heals, which escalates): every number equals the one computed from the
 * JSONL in the test ({@link JournalNumbers}), from a database caught up, rebuilt, or built in memory.
 */
class ReportCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path campaign;

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    /** The journal written by the simulated runs, in {@code campaign/recovery}. */
    @BeforeAll
    static void writeCampaignJournal() {
        try (FileRecoveryJournal journal = FileRecoveryJournal.open(campaign.resolve("recovery"))) {
            for (int nodes : new int[] {5, 3}) {
                Scenario.builder().nodes(nodes).seed(nodes).inject(FailureType.standard())
                        .spacing(Duration.ofSeconds(30)).maxDuration(Duration.ofSeconds(600))
                        .strategies(new BuiltInStrategies().strategies(name -> Settings.EMPTY))
                        .options(RecoveryOptions.defaults()).journal(journal).build().run();
            }
            Scenario.builder().nodes(5).seed(11).inject(FailureType.NETWORK_PARTITION).permanent(true)
                    .maxDuration(Duration.ofSeconds(300))
                    .strategies(new BuiltInStrategies().strategies(name -> Settings.EMPTY))
                    .options(RecoveryOptions.defaults()).journal(journal).build().run();
        }
    }

    private static Path campaignJournal() {
        return campaign.resolve("recovery").resolve(FileRecoveryJournal.JOURNAL_FILE_NAME);
    }

    private int run(Instant now, String... args) {
        out.reset();
        err.reset();
        return RecoveryDaemon.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Clock.fixed(now, ZoneOffset.UTC));
    }

    private int run(String... args) {
        return run(SimClock.EPOCH.plus(Duration.ofDays(1)), args);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private JsonNode json() throws Exception {
        return JSON.readTree(out());
    }

    /** A config whose recovery_dir holds a copy of the campaign's journal, with a history database. */
    private Path config() throws Exception {
        Path recovery = Files.createDirectories(dir.resolve("recovery"));
        Files.copy(campaignJournal(), recovery.resolve(FileRecoveryJournal.JOURNAL_FILE_NAME));
        return Files.writeString(dir.resolve("cluster.json"), "{\"nodes\": [{\"id\": \"n1\", \"host\":"
                + " \"127.0.0.1\", \"port\": 1, \"data_dir\": \"d\"}], \"recovery_dir\": \"recovery\","
                + " \"history_database\": \"history/recovery.duckdb\"}");
    }

    private Path database() {
        return dir.resolve("history").resolve("recovery.duckdb");
    }

    @Test
    void theCampaignHasWhatTheReportIsAbout() throws Exception {
        JournalNumbers numbers = JournalNumbers.of(campaignJournal(), Instant.MIN);

        assertThat(numbers.byType).hasSize(10);
        assertThat(numbers.total.recovered()).isGreaterThan(10);
        assertThat(numbers.escalations).isPositive();
        assertThat(numbers.actions.keySet()).anyMatch(a -> a.endsWith(" done"));
    }

    @Test
    void fromAJournalAloneEveryNumberIsTheJournals() throws Exception {
        assertThat(run("report", "--journal", campaign.resolve("recovery").toString(), "--format", "json"))
                .as(err()).isZero();

        JournalNumbers.of(campaignJournal(), Instant.MIN).assertSameAs(json());
        assertThat(json().get("since").isNull()).isTrue();
    }

    @Test
    void theConfiguredDatabaseIsBuiltCaughtUpAndRebuiltWithTheSameNumbers() throws Exception {
        // Given a config with a history database that does not exist yet
        Path config = config();
        JournalNumbers numbers = JournalNumbers.of(campaignJournal(), Instant.MIN);

        // When the report runs, it builds it
        assertThat(run("report", "--config", config.toString(), "--format", "json")).as(err()).isZero();
        numbers.assertSameAs(json());
        assertThat(database()).exists();
        String first = out();

        // and run again it reads the same; deleted, the database is built again with the same numbers
        assertThat(run("report", "--config", config.toString(), "--format", "json")).isZero();
        assertThat(out()).isEqualTo(first);
        Files.delete(database());
        assertThat(run("report", "--config", config.toString(), "--format", "json")).isZero();
        assertThat(out()).isEqualTo(first);
        try (HistoryDatabase db = HistoryDatabase.open(database())) {
            assertThat(db.size()).isEqualTo(numbers.records);
        }
    }

    @Test
    void recordsThatReachedTheJournalButNotTheDatabaseAreCaughtUp() throws Exception {
        // Given a database filled from the first half of the journal only, as when the daemon was killed between
        // its journal append and its database insert
        Path config = config();
        List<JournalRecord> records = FileRecoveryJournal.read(campaignJournal());
        try (HistoryDatabase db = HistoryDatabase.open(database())) {
            db.catchUp(records.subList(0, records.size() / 2));
        }

        // When the report runs
        assertThat(run("report", "--config", config.toString(), "--format", "json")).as(err()).isZero();

        // Then database and journal agree
        JournalNumbers.of(campaignJournal(), Instant.MIN).assertSameAs(json());
        try (HistoryDatabase db = HistoryDatabase.open(database())) {
            assertThat(db.size()).isEqualTo(records.size());
        }
    }

    @Test
    void sinceCountsOnlyWhatHappenedInTheLastAge() throws Exception {
        // the simulated runs' clocks start at SimClock.EPOCH and inject a fault every 30 s; 'now' is 5 minutes
        // later, so the last 3 minutes hold the later faults of each run
        Instant now = SimClock.EPOCH.plus(Duration.ofMinutes(5));
        assertThat(run(now, "report", "--journal", campaignJournal().toString(), "--since", "3m", "--format",
                "json")).as(err()).isZero();

        JournalNumbers numbers = JournalNumbers.of(campaignJournal(), now.minus(Duration.ofMinutes(3)));
        numbers.assertSameAs(json());
        assertThat(numbers.total.failures()).isPositive()
                .isLessThan(JournalNumbers.of(campaignJournal(), Instant.MIN).total.failures());
        assertThat(json().get("since").asText()).isEqualTo(now.minus(Duration.ofMinutes(3)).toString());
    }

    @Test
    void theTextReportShowsEachSection() {
        assertThat(run("report", "--journal", campaign.resolve("recovery").toString())).as(err()).isZero();

        assertThat(out()).contains("History: ", " journal records", "Failures by type", "process_crash", "all",
                "median to fix", "p95 to fix", "Escalations: ", "Actions by outcome", "restart_node",
                "Nodes that fail most");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "no source|report|report needs --config FILE or --journal DIR",
        "both sources|report --config c.json --journal r|--config and --journal cannot be combined",
        "bad age|report --journal r --since 7x|--since must be a number and s, m, h, d or w",
        "bad format|report --journal r --format xml|--format",
        "unknown option|report --journal r --verbose|--verbose",
        "no journal|report --journal nowhere|no recovery journal at nowhere"})
    void aBadCommandLineExitsTwoWithOneLine(String name, String args, String message) {
        assertThat(run(args.split(" "))).isEqualTo(2);

        assertThat(err()).startsWith("recovery: ").contains(message).endsWith(System.lineSeparator())
                .hasLineCount(1);
        assertThat(out()).isEmpty();
    }

    @Test
    void aBadConfigExitsTwoNamingTheKey() throws Exception {
        Files.createDirectories(dir.resolve("h"));
        Path config = Files.writeString(dir.resolve("c.json"), "{\"nodes\": [{\"id\": \"n1\", \"host\":"
                + " \"127.0.0.1\", \"port\": 1, \"data_dir\": \"d\"}], \"recovery_dir\": \"r\","
                + " \"history_database\": \"h\"}");

        assertThat(run("report", "--config", config.toString())).isEqualTo(2);
        assertThat(err()).contains("history_database", "is a directory");
    }
}
