package org.distributedtesting.recovery.strategies;

import java.time.Duration;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.SettingsException;

/**
 * The settings of {@link NetworkPartitionStrategy}, under {@code strategies.network_partition} in the config file.
 *
 * <p>Immutable and thread-safe.
 *
 * @param leaderDisagreementCycles cycles in a row a node must name another leader than the majority's
 * @param electionWindow           how long no reachable node may lead while elections keep starting
 * @param minFailedElections       elections that must start within the window, across the reachable nodes
 */
record NetworkPartitionSettings(int leaderDisagreementCycles, Duration electionWindow, long minFailedElections) {

    /**
     * Reads and validates the settings, each with its default.
     *
     * @throws SettingsException if a setting is unknown or not valid, naming its key
     */
    static NetworkPartitionSettings from(Settings settings) {
        SettingsReader reader = new SettingsReader(NetworkPartitionStrategy.NAME, settings);
        int disagreementCycles = reader.inRange("leader_disagreement_cycles",
                NetworkPartitionStrategy.DEFAULT_LEADER_DISAGREEMENT_CYCLES, 1, 1_000);
        Duration electionWindow = reader.seconds("election_window", NetworkPartitionStrategy.DEFAULT_ELECTION_WINDOW);
        // not reader.positive(Duration), whose "> 0 seconds, but was 0.0" would change the message this key has always
        // given ("> 0, but was 0"), which tests pin
        reader.require(!electionWindow.isZero(), "election_window", "> 0", electionWindow.toSeconds());
        long minFailedElections = reader.positive("min_failed_elections",
                NetworkPartitionStrategy.DEFAULT_MIN_FAILED_ELECTIONS);
        reader.rejectUnknownKeys();
        return new NetworkPartitionSettings(disagreementCycles, electionWindow, minFailedElections);
    }
}
