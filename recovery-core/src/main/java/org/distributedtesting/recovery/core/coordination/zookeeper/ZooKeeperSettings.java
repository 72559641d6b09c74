package org.distributedtesting.recovery.core.coordination.zookeeper;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where several engines of one cluster meet on ZooKeeper, and who this one is.
 *
 * @param connect           the ensemble's connect string, {@code host:port[,host:port...]}
 * @param basePath          the cluster's own znode, under which the lease, the epochs and the shared ledger live
 *                          ({@code /coordinator-recovery/<cluster>}); every engine of one cluster uses the same one
 * @param sessionTimeout    the ZooKeeper session timeout: how long after an active instance is cut off another one
 *                          may take over
 * @param connectionTimeout how long a connection attempt may take
 * @param instanceId        this instance's id, unique in the group ({@code [A-Za-z0-9._:-]}, at most 64)
 * @param ledgerRetention   how long shared ledger records are kept (a node's last quarantine record is kept
 *                          longer, until a later one replaces it)
 */
public record ZooKeeperSettings(String connect, String basePath, Duration sessionTimeout,
                                Duration connectionTimeout, String instanceId, Duration ledgerRetention) {

    private static final Pattern INSTANCE = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    private static final Pattern SERVER = Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9._-]+):"
            + "([1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])");
    private static final Pattern PATH = Pattern.compile("(/[A-Za-z0-9._-]+)+");

    /** The default session timeout. */
    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(10);
    /** The default connection timeout. */
    public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(5);
    /** The default retention of shared ledger records. */
    public static final Duration DEFAULT_LEDGER_RETENTION = Duration.ofDays(1);

    /**
     * @throws NullPointerException if any argument is null
     * @throws IllegalArgumentException naming the setting that is wrong
     */
    public ZooKeeperSettings {
        Objects.requireNonNull(connect, "connect");
        Objects.requireNonNull(basePath, "basePath");
        Objects.requireNonNull(sessionTimeout, "sessionTimeout");
        Objects.requireNonNull(connectionTimeout, "connectionTimeout");
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(ledgerRetention, "ledgerRetention");
        if (connect.isBlank()) {
            throw new IllegalArgumentException("connect must name the ZooKeeper servers (host:port,...)");
        }
        for (String server : connect.split(",", -1)) {
            if (!SERVER.matcher(server.strip()).matches()) {
                throw new IllegalArgumentException("connect must be host:port[,host:port...], but '" + server
                        + "' in '" + connect + "' is not host:port");
            }
        }
        if (!PATH.matcher(basePath).matches()) {
            throw new IllegalArgumentException("base_path must be a znode path like /coordinator-recovery/prod"
                    + " (segments of letters, digits, '.', '_', '-'), but was '" + basePath + "'");
        }
        if (sessionTimeout.compareTo(Duration.ofSeconds(2)) < 0 || sessionTimeout.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("session_timeout must be between 2s and 10m, but was " + sessionTimeout);
        }
        if (connectionTimeout.compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException("connection_timeout must be at least 100ms, but was "
                    + connectionTimeout);
        }
        if (!INSTANCE.matcher(instanceId).matches()) {
            throw new IllegalArgumentException("instance_id must be 1..64 of letters, digits, '.', '_', ':', '-',"
                    + " but was '" + instanceId + "'");
        }
        if (ledgerRetention.compareTo(Duration.ofMinutes(1)) < 0) {
            throw new IllegalArgumentException("ledger_retention must be at least 1m, but was " + ledgerRetention);
        }
    }

    /** Settings with the default timeouts and retention. */
    public static ZooKeeperSettings of(String connect, String basePath, String instanceId) {
        return new ZooKeeperSettings(connect, basePath, DEFAULT_SESSION_TIMEOUT, DEFAULT_CONNECTION_TIMEOUT,
                instanceId, DEFAULT_LEDGER_RETENTION);
    }
}
