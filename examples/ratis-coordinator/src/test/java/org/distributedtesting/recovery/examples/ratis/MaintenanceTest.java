package org.distributedtesting.recovery.examples.ratis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.Action.Artifact;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.core.supervise.ControlJson;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The maintenance tool's contract, run in this JVM; {@code MaintenanceIT} runs it as the daemon does. */
class MaintenanceTest {

    private static final NodeId HEALTHY = NodeId.of("node-1");
    private static final NodeId BROKEN = NodeId.of("node-3");

    @TempDir
    Path root;

    private DataDir healthy;
    private DataDir broken;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void twoStoppedNodes() throws Exception {
        healthy = new DataDir(root.resolve("node-1"));
        broken = new DataDir(root.resolve("node-3"));
        healthy.createDirectories();
        broken.createDirectories();
        database(healthy, 5);
        database(broken, 2);
    }

    @Test
    void moveAsideOfAStoppedNodePrintsOneDoneLineAndExitsZero() throws Exception {
        // When
        int code = run(request(new Action.MoveAside(BROKEN, Artifact.DATABASE), Map.of()), Map.of(),
                "--id", "node-3", "--data-dir", broken.root().toString());

        // Then
        assertThat(code).isZero();
        ActionResult result = result();
        assertThat(result).isInstanceOf(ActionResult.Done.class);
        assertThat(result.detail()).startsWith("moved the database to backups/database-");
        assertThat(broken.databaseFile()).doesNotExist();
    }

    @Test
    void aRunningNodeIsAFailedOutcomeNotAFailedTool() throws Exception {
        // Given the node runs (it holds its lock)
        try (NodeLock running = NodeLock.tryLock(broken).orElseThrow()) {
            // When
            int code = run(request(new Action.Reset(BROKEN, Artifact.LOG), Map.of()), Map.of(),
                    "--id", "node-3", "--data-dir", broken.root().toString());

            // Then
            assertThat(code).isZero();
            assertThat(result()).isInstanceOf(ActionResult.Failed.class).extracting(ActionResult::detail).asString()
                    .startsWith("refused: 'node-3' is running");
        }
    }

    @Test
    void restoreFromACoLocatedDataDirectoryPutsTheHealthyDatabaseInPlace() throws Exception {
        // When
        int code = run(request(new Action.Restore(BROKEN, Artifact.DATABASE, HEALTHY),
                        Map.of("from_data_dir", healthy.root().toString())), Map.of(),
                "--id", "node-3", "--data-dir", broken.root().toString(), "--copy-from", "local-dir");

        // Then
        assertThat(code).isZero();
        assertThat(result()).isInstanceOf(ActionResult.Done.class);
        try (TaskDatabase restored = TaskDatabase.open(broken.databaseFile());
             TaskDatabase source = TaskDatabase.open(healthy.databaseFile())) {
            assertThat(restored.applied()).isEqualTo(source.applied());
        }
    }

    @Test
    void restoreOverTheProtocolWithoutATokenFailsNamingTheVariable() throws Exception {
        // When
        int code = run(request(new Action.Restore(BROKEN, Artifact.DATABASE, HEALTHY), Map.of()), Map.of(),
                "--id", "node-3", "--data-dir", broken.root().toString());

        // Then
        assertThat(code).isZero();
        assertThat(result()).isEqualTo(new ActionResult.Failed("no control token in RECOVERY_CONTROL_TOKEN: the "
                + "source's database_copy endpoint needs it"));
        try (TaskDatabase untouched = TaskDatabase.open(broken.databaseFile())) {
            assertThat(untouched.applied().index()).isEqualTo(2);
        }
    }

    @Test
    void aRequestForAnotherNodeIsAToolFailure() throws Exception {
        // When
        int code = run(request(new Action.MoveAside(HEALTHY, Artifact.DATABASE), Map.of()), Map.of(),
                "--id", "node-3", "--data-dir", broken.root().toString());

        // Then
        assertThat(code).isEqualTo(Maintenance.USAGE);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("the request is for node 'node-1', but this tool"
                + " was started for 'node-3' (--id)");
        assertThat(healthy.databaseFile()).isRegularFile();
    }

    @Test
    void aRequestThatIsNotJsonIsAToolFailure() throws Exception {
        // When
        int code = run("move the database please", Map.of(), "--id", "node-3", "--data-dir",
                broken.root().toString());

        // Then
        assertThat(code).isEqualTo(Maintenance.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("maintenance: request is not valid JSON");
    }

    @Test
    void anUnknownOptionIsAToolFailureThatNamesIt() {
        // When
        int code = run(request(new Action.MoveAside(BROKEN, Artifact.DATABASE), Map.of()), Map.of(),
                "--id", "node-3", "--data-dir", broken.root().toString(), "--dry");

        // Then
        assertThat(code).isEqualTo(Maintenance.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("maintenance: unknown option --dry");
        assertThat(broken.databaseFile()).isRegularFile();
    }

    private int run(String stdin, Map<String, String> env, String... args) {
        return Maintenance.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                env);
    }

    private static String request(Action action, Map<String, String> extra) {
        return ControlJson.request(action, Optional.of("127.0.0.1:1"), extra);
    }

    /** The one line printed. */
    private ActionResult result() {
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(1);
        return ControlJson.readAnswer(lines.get(0), UnaryOperator.identity());
    }

    private static void database(DataDir dir, int entries) throws Exception {
        try (TaskDatabase db = TaskDatabase.open(dir.databaseFile())) {
            for (int i = 0; i <= entries; i++) {
                db.apply(new Command.SubmitTask(dir.root().getFileName() + "-" + i, "p"), 1, i);
            }
        }
    }
}
