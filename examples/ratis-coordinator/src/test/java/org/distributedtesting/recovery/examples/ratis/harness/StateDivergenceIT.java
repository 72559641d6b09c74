package org.distributedtesting.recovery.examples.ratis.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.distributedtesting.recovery.examples.ratis.DataDir;
import org.distributedtesting.recovery.FailureType;
import org.junit.jupiter.api.Test;
import org.sqlite.SQLiteConfig;

/**
 * A follower that applies entries like the others but stores a wrong result for some of them: its applied index
 * keeps pace while its state checksum differs from the majority's at the same index. The daemon replaces its
 * database with a copy from the leader through the node's maintenance command, keeping the wrong one aside, and
 * steps the leader down so that a new one replicates to the node afresh.
 */
class StateDivergenceIT extends RecoveryItSupport {

    /** How many task inserts the follower stores wrong. */
    private static final int WRONG_APPLIES = 3;

    /**
     * The writer's pause. The daemon compares checksums only at one applied index, and at the default 50 ms the
     * leader is always an entry or two past its followers when probed: no quorum ever reports at one index, and the
     * divergence goes undetected (90 s without a detection, measured). At this pace the nodes rest at one index
     * between writes.
     */
    private static final Duration WRITE_PAUSE = Duration.ofMillis(500);

    @Test
    void daemonReplacesADivergedFollowersStateWithTheMajoritys() throws Exception {
        // Given a cluster under steady (slow) writes whose nodes have a maintenance command
        start(b -> b.maintenance(true).writePause(WRITE_PAUSE));
        String follower = cluster.followers().get(0);

        // When the follower's next task inserts store a wrong payload
        Injection diverge = cluster.faults().divergeApply(follower, WRONG_APPLIES);

        // Then the daemon transfers the majority's state to it, the wrong database kept aside
        RecoveryTimes times = assertRecovered(diverge);
        System.out.println("STATE DIVERGENCE detected after " + times.detect().toMillis() + " ms, recovered after "
                + times.recover().toMillis() + " ms by '" + times.rung() + "'");
        assertThat(times.rung()).isEqualTo("transfer_state");
        List<String> actions = actionsAbout(FailureType.STATE_DIVERGENCE.name(), follower);
        assertThat(actions).containsSubsequence("failure_detected", "stop_node", "move_aside_database",
                "restore_database", "start_node", "step_down_leader", "recovery_verified");
        assertThat(actions).contains("recover_state_divergence");
        assertThat(wrongPayloadsAside(cluster.dataDir(follower).backupsDir())).isEqualTo(WRONG_APPLIES);
        assertThat(wrongPayloads(cluster.dataDir(follower).databaseFile())).isZero();
    }

    /** The wrong payloads in the databases moved aside under {@code backups}. */
    private static long wrongPayloadsAside(Path backups) throws Exception {
        List<Path> databases;
        try (Stream<Path> files = Files.walk(backups)) {
            databases = files.filter(p -> p.getFileName().toString().equals(DataDir.DATABASE_FILE)).toList();
        }
        assertThat(databases).as("databases moved aside in %s", backups).isNotEmpty();
        long wrong = 0;
        for (Path database : databases) {
            wrong += wrongPayloads(database);
        }
        return wrong;
    }

    /** Rows whose payload the fault hook changed, read through a read-only connection. */
    private static long wrongPayloads(Path database) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        try (Connection c = config.createConnection("jdbc:sqlite:" + database);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM tasks WHERE payload LIKE '%[diverged]'")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
