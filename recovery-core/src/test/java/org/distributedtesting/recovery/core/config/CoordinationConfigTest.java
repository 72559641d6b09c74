package org.distributedtesting.recovery.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.time.Duration;
import org.distributedtesting.recovery.core.coordination.zookeeper.ZooKeeperSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code coordination}: off unless set; connect and base_path required; every mistake names its key. */
class CoordinationConfigTest {

    @TempDir
    Path dir;

    private static String config(String more) {
        return BadConfigTest.json("{'nodes': [{'id': 'n', 'host': 'h', 'port': 1, 'data_dir': 'd'}],"
                + " 'recovery_dir': 'r'" + more + "}");
    }

    @Test
    void withoutTheSectionTheDaemonIsAlone() {
        assertThat(ConfigLoader.parse(config(""), dir).coordination()).isEmpty();
    }

    @Test
    void everyKeyIsRead() {
        ZooKeeperSettings s = ConfigLoader.parse(config(", 'coordination': {'store': 'zookeeper',"
                + " 'connect': 'zk1:2181,zk2:2181, zk3:2181', 'base_path': '/coordinator-recovery/prod',"
                + " 'session_timeout': 6, 'connection_timeout': 1.5, 'instance_id': 'recovery-a',"
                + " 'ledger_retention': 3600}"), dir).coordination().orElseThrow();

        assertThat(s.connect()).isEqualTo("zk1:2181,zk2:2181, zk3:2181");
        assertThat(s.basePath()).isEqualTo("/coordinator-recovery/prod");
        assertThat(s.sessionTimeout()).isEqualTo(Duration.ofSeconds(6));
        assertThat(s.connectionTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(s.instanceId()).isEqualTo("recovery-a");
        assertThat(s.ledgerRetention()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void theDefaultsAreTheSettingsDefaultsAndTheInstanceIsTheHostName() {
        ZooKeeperSettings s = ConfigLoader.parse(config(", 'coordination': {'connect': 'zk:2181',"
                + " 'base_path': '/cr/prod'}"), dir).coordination().orElseThrow();

        assertThat(s.sessionTimeout()).isEqualTo(ZooKeeperSettings.DEFAULT_SESSION_TIMEOUT);
        assertThat(s.connectionTimeout()).isEqualTo(ZooKeeperSettings.DEFAULT_CONNECTION_TIMEOUT);
        assertThat(s.ledgerRetention()).isEqualTo(ZooKeeperSettings.DEFAULT_LEDGER_RETENTION);
        assertThat(s.instanceId()).isNotBlank().matches("[A-Za-z0-9._:-]+");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{'base_path': '/x'}                                    | coordination.connect   | is required",
        "{'connect': 'zk:2181'}                                 | coordination.base_path | is required",
        "{'connect': 'zk:2181', 'base_path': 'x'}               | coordination           | base_path must be a znode path",
        "{'connect': 'zk', 'base_path': '/x'}                   | coordination           | 'zk' in 'zk' is not host:port",
        "{'connect': 'zk:99999', 'base_path': '/x'}             | coordination           | is not host:port",
        "{'connect': 'zk:1', 'base_path': '/x', 'store': 'etcd'} | coordination.store    | the only store so far",
        "{'connect': 'zk:1', 'base_path': '/x', 'session_timeout': 1} | coordination     | session_timeout must be between 2s and 10m",
        "{'connect': 'zk:1', 'base_path': '/x', 'session_timeout': 'ten'} | coordination.session_timeout | number of seconds",
        "{'connect': 'zk:1', 'base_path': '/x', 'instance_id': 'a b'} | coordination     | instance_id must be",
        "{'connect': 'zk:1', 'base_path': '/x', 'session': 5}   | coordination.session   | session_timeout",
    })
    void aMistakeNamesItsKey(String section, String key, String message) {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.parse(config(", 'coordination': " + section), dir));

        assertThat(e).as(section).isNotNull();
        assertThat(e.keyPath()).isEqualTo(key);
        assertThat(e.getMessage()).contains(message);
    }
}
