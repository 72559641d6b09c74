package org.distributedtesting.recovery.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code metrics.listen}: where the daemon serves /metrics, /health and /ready. */
class MetricsConfigTest {

    @TempDir
    Path dir;

    @Test
    void withoutTheSectionNothingIsServed() {
        assertThat(ConfigLoader.parse(config(""), dir).metricsListen()).isEmpty();
        assertThat(ConfigLoader.parse(config(", 'metrics': {}"), dir).metricsListen()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "127.0.0.1:9464 | 127.0.0.1 | 9464 | true",
            "9464           | 127.0.0.1 | 9464 | true",
            ":9464          | 127.0.0.1 | 9464 | true",
            "[::1]:9464     | ::1       | 9464 | true",
            "0.0.0.0:9100   | 0.0.0.0   | 9100 | false",
            "monitor.example.com:9464 | monitor.example.com | 9464 | false"})
    void aListenAddressIsHostAndPortOrABarePortOnLoopback(String text, String host, int port, boolean loopback) {
        ListenAddress listen = ConfigLoader.parse(config(", 'metrics': {'listen': '" + text + "'}"), dir)
                .metricsListen().orElseThrow();

        assertThat(listen.host()).isEqualTo(host);
        assertThat(listen.port()).isEqualTo(port);
        assertThat(listen.loopback()).isEqualTo(loopback);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "'http://127.0.0.1:9464' | metrics.listen | without a scheme",
            "'127.0.0.1'             | metrics.listen | must be host:port",
            "'127.0.0.1:70000'       | metrics.listen | port in 1..65535",
            "'::1:9464'              | metrics.listen | IPv6 address goes in brackets",
            "''                      | metrics.listen | ",
            "9464                    | metrics.listen | ",
            "{'listen': 'x:1', 'port': 2} | metrics.port | unknown key 'port'"})
    void aBadListenAddressIsAConfigErrorNamingTheKey(String value, String key, String problem) {
        String section = value.startsWith("{") ? value : "{'listen': " + value + "}";

        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.parse(config(", 'metrics': " + section), dir));

        assertThat(e).as("refused: %s", value).isNotNull();
        assertThat(e.keyPath()).isEqualTo(key);
        if (problem != null) {
            assertThat(e.getMessage()).contains(problem);
        }
    }

    @Test
    void theExampleConfigServesMetricsOnLoopback() {
        assertThat(ConfigLoader.parse(ConfigLoader.example(), dir).metricsListen()).contains(
                new ListenAddress("127.0.0.1", 9464));
    }

    private static String config(String more) {
        return BadConfigTest.json("{'nodes': [{'id': 'n', 'host': 'h', 'port': 1, 'data_dir': 'd'}],"
                + " 'recovery_dir': 'r'" + more + "}");
    }
}
