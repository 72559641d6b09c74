package org.distributedtesting.recovery.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import org.distributedtesting.recovery.core.coordination.zookeeper.ZooKeeperSettings;

/**
 * Reads {@code coordination}: several daemons on one cluster, one of them active, on ZooKeeper.
 * <pre>
 * "coordination": {
 *   "store": "zookeeper",
 *   "connect": "zk1:2181,zk2:2181,zk3:2181",
 *   "base_path": "/coordinator-recovery/prod",
 *   "session_timeout": 10, "connection_timeout": 5,
 *   "instance_id": "recovery-a",
 *   "ledger_retention": 86400
 * }</pre>
 * {@code connect} and {@code base_path} are required (every daemon of one cluster names the same path; two clusters
 * never share one); {@code store} can only be {@code zookeeper} so far; {@code instance_id} defaults to the host
 * name; times are seconds.
 *
 * <p>Stateless and thread-safe.
 */
final class CoordinationSection {

    static final String KEY = "coordination";
    private static final String STORE = "store";
    private static final String CONNECT = "connect";
    private static final String BASE_PATH = "base_path";
    private static final String SESSION_TIMEOUT = "session_timeout";
    private static final String CONNECTION_TIMEOUT = "connection_timeout";
    private static final String INSTANCE_ID = "instance_id";
    private static final String LEDGER_RETENTION = "ledger_retention";

    private CoordinationSection() {
    }

    static ZooKeeperSettings read(ConfigReader reader, JsonNode value) {
        ObjectNode section = reader.object(value, KEY);
        reader.onlyKnownKeys(section, KEY, List.of(STORE, CONNECT, BASE_PATH, SESSION_TIMEOUT, CONNECTION_TIMEOUT,
                INSTANCE_ID, LEDGER_RETENTION));
        ConfigReader.optional(section, STORE).ifPresent(v -> {
            String store = reader.nonBlankString(v, ConfigReader.child(KEY, STORE));
            if (!store.equals("zookeeper")) {
                throw reader.fail(ConfigReader.child(KEY, STORE), "must be \"zookeeper\" (the only store so far),"
                        + " but was " + ConfigReader.quote(store));
            }
        });
        String connect = reader.nonBlankString(reader.required(section, KEY, CONNECT),
                ConfigReader.child(KEY, CONNECT));
        String basePath = reader.nonBlankString(reader.required(section, KEY, BASE_PATH),
                ConfigReader.child(KEY, BASE_PATH));
        Duration session = duration(reader, section, SESSION_TIMEOUT, ZooKeeperSettings.DEFAULT_SESSION_TIMEOUT);
        Duration connection = duration(reader, section, CONNECTION_TIMEOUT,
                ZooKeeperSettings.DEFAULT_CONNECTION_TIMEOUT);
        Duration retention = duration(reader, section, LEDGER_RETENTION, ZooKeeperSettings.DEFAULT_LEDGER_RETENTION);
        String instance = ConfigReader.optional(section, INSTANCE_ID)
                .map(v -> reader.nonBlankString(v, ConfigReader.child(KEY, INSTANCE_ID)))
                .orElseGet(CoordinationSection::hostName);
        try {
            return new ZooKeeperSettings(connect, basePath, session, connection, instance, retention);
        } catch (IllegalArgumentException e) {
            throw reader.fail(KEY, e.getMessage());
        }
    }

    private static Duration duration(ConfigReader reader, ObjectNode section, String key, Duration otherwise) {
        return ConfigReader.optional(section, key).map(v -> reader.seconds(v, ConfigReader.child(KEY, key)))
                .orElse(otherwise);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9._:-]", "-");
        } catch (UnknownHostException e) {
            throw new IllegalStateException("coordination.instance_id is not set and this host has no name to use"
                    + " instead (" + e.getMessage() + "); set it", e);
        }
    }
}
