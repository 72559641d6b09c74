package org.distributedtesting.recovery.core.regression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.distributedtesting.recovery.core.config.ConfigException;
import org.distributedtesting.recovery.core.config.ConfigLoader;
import org.distributedtesting.recovery.core.config.RecoveryConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 12, item 5: configurations that hung the loader (a FIFO, {@code /dev/zero}), ended in an
 * {@link OutOfMemoryError}, or got through validation and only failed later, every probe at a time: hosts with a
 * space, a scheme, a port or a bracket; alternative addresses of that kind; control tokens with a space, a line
 * break, DEL or a non-ASCII character. Each is now refused at once with one line naming the file, the key and the
 * problem, and no raw control character of the file reaches that line.
 */
class BadConfigGotThroughOrHungTest {

    /** Refusing a file is a stat and at most one bounded read; a second is generous. */
    private static final Duration AT_ONCE = Duration.ofSeconds(1);

    private static final String VALID_NODE = "{\"id\": \"n1\", \"host\": \"127.0.0.1\", \"port\": 18601,"
            + " \"data_dir\": \"d\"}";

    @TempDir
    Path dir;

    @Test
    void aFifoIsRefusedWithoutOpeningIt() throws Exception {
        // Given a FIFO no one writes to, so that opening it for reading would block forever
        Path fifo = dir.resolve("cluster.json");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assumeTrue(mkfifo.waitFor() == 0, "mkfifo is needed to create a FIFO");

        // When / Then
        ConfigException e = assertTimeoutPreemptively(AT_ONCE, () -> refusal(fifo));
        assertThat(e.getMessage()).isEqualTo("config file '" + fifo + "' is a FIFO, not a regular file");
    }

    @Test
    void aCharacterDeviceIsRefusedWithoutReadingIt() {
        // Given a device that never ends
        Path zero = Path.of("/dev/zero");
        assumeTrue(Files.exists(zero), "/dev/zero is needed");

        // When / Then
        ConfigException e = assertTimeoutPreemptively(AT_ONCE, () -> refusal(zero));
        assertThat(e.getMessage()).isEqualTo("config file '/dev/zero' is a character device, not a regular file");
    }

    @Test
    void aSocketIsRefused() throws IOException {
        // Given a Unix domain socket where the file should be
        Path socketFile = dir.resolve("cluster.json");
        try (ServerSocketChannel socket = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            socket.bind(UnixDomainSocketAddress.of(socketFile));

            // When / Then
            ConfigException e = assertTimeoutPreemptively(AT_ONCE, () -> refusal(socketFile));
            assertThat(e.getMessage()).isEqualTo("config file '" + socketFile + "' is a socket, not a regular file");
        }
    }

    @Test
    void aDirectoryIsRefused() {
        ConfigException e = refusal(dir);

        assertThat(e.getMessage()).isEqualTo("config file '" + dir + "' is a directory, not a regular file");
    }

    @Test
    void aFileLargerThanTheLimitIsRefusedWithoutReadingIt() throws IOException {
        // Given a sparse file of 64 MiB: reading it would take the heap a small JVM has
        Path huge = dir.resolve("cluster.json");
        try (RandomAccessFile file = new RandomAccessFile(huge.toFile(), "rw")) {
            file.setLength(64L << 20);
        }

        // When / Then
        ConfigException e = assertTimeoutPreemptively(AT_ONCE, () -> refusal(huge));
        assertThat(e.getMessage()).isEqualTo("config file '" + huge + "' is larger than 1048576 bytes"
                + " (1 MiB), the most a configuration may have");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"bad host", "http://127.0.0.1", "127.0.0.1:18601", "[::1", "[::1]", "node\n1",
            "node\t1", "a_b.example.com", "10.0.0.256", "010.0.0.1", "1.2.3", "-node", "node-.example.com",
            "node..example.com", "b\u00fccher.example", "1::2::3", "12345::", "::1%", "host/path", "user@host"})
    void aHostThatIsNoHostNameOrAddressIsRefused(String host) throws IOException {
        ConfigException e = refusalOf(node(host, "[]"));

        assertThat(e.keyPath()).isEqualTo("nodes[0].host");
        assertThat(e.getMessage()).startsWith(dir.resolve("cluster.json") + ": nodes[0].host: ");
        assertPrintableOneLine(e);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"localhost", "node1", "coordinator1.example.com", "coordinator1.example.com.",
            "xn--bcher-kva.example", "127.0.0.1", "0.0.0.0", "255.255.255.255", "::1", "::", "fe80::1",
            "2001:db8::8a2e:370:7334", "::ffff:192.0.2.1", "1:2:3:4:5:6:7:8", "fe80::1%eth0"})
    void aHostNameOrAnAddressIsAccepted(String host) throws IOException {
        RecoveryConfig config = load(node(host, "[]"));

        assertThat(config.nodes().get(0).host()).isEqualTo(host);
    }

    @Test
    void aHostLongerThanADnsNameIsRefusedNamingItsLength() {
        // Given a host of 10 MB in a configuration given as text (no file, so no file size limit)
        String host = "a".repeat(10 << 20);

        // When
        ConfigException e = assertTimeoutPreemptively(AT_ONCE, () -> catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.parse("{\"nodes\": [" + node(host) + "], \"recovery_dir\": \"r\"}", dir)));

        // Then
        assertThat(e.keyPath()).isEqualTo("nodes[0].host");
        assertThat(e.getMessage()).contains("must be at most 253 characters, but has 10485760")
                .hasSizeLessThan(500);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"bad host:80", "http://h:80", "h:80:80", "::1:80", "[::1:80", "[::1]", "[::1]80",
            "[::1]:0", "[h]:80", "h:", ":80", "h:65536", "h:+80", "h:0x50", "h\n:80", "127.0.0.1:18601/x"})
    void anAlternativeAddressThatIsNoHostAndPortIsRefused(String address) throws IOException {
        ConfigException e = refusalOf(node("127.0.0.1", "[\"" + json(address) + "\"]"));

        assertThat(e.keyPath()).isEqualTo("nodes[0].alternative_addresses[0]");
        assertPrintableOneLine(e);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"10.0.0.2:8080", "coordinator1.example.com:1", "[::1]:65535",
            "[2001:db8::1]:8080", "localhost:18601"})
    void anAlternativeHostAndPortIsAccepted(String address) throws IOException {
        RecoveryConfig config = load(node("127.0.0.1", "[\"" + address + "\"]"));

        assertThat(config.nodes().get(0).alternativeAddresses()).containsExactly(address);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"with space", "tab\tinside", "line\nbreak", "del\u007Fchar", "bell\u0007",
            "t\u00f6ken"})
    void aTokenFileThatIsNoPrintableAsciiTokenIsRefusedWithoutQuotingIt(String token) throws IOException {
        // Given
        Files.writeString(dir.resolve("token"), token + "\n");

        // When
        ConfigException e = refusalOf(VALID_NODE, ", \"control_token_file\": \"token\"");

        // Then
        assertThat(e.keyPath()).isEqualTo("control_token_file");
        assertThat(e.getMessage()).contains("printable ASCII").doesNotContain(token);
        assertPrintableOneLine(e);
    }

    @Test
    void aTokenFileOverTheLimitIsRefusedWithoutReadingIt() throws IOException {
        // Given
        Files.writeString(dir.resolve("token"), "t".repeat(64 << 10));

        // When
        ConfigException e = refusalOf(VALID_NODE, ", \"control_token_file\": \"token\"");

        // Then
        assertThat(e.keyPath()).isEqualTo("control_token_file");
        assertThat(e.getMessage()).contains("larger than 4096 bytes");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"with space", "line\nbreak", "del\u007Fchar", "esc\u001B[2J", "t\u00f6ken"})
    void aTokenInTheEnvironmentThatIsNoPrintableAsciiTokenIsRefusedWithoutQuotingIt(String token)
            throws IOException {
        // Given
        RecoveryConfig config = load(VALID_NODE);

        // When
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> config.controlToken(Map.of(RecoveryConfig.DEFAULT_CONTROL_TOKEN_ENV, token)));

        // Then
        assertThat(e).isNotNull();
        assertThat(e.keyPath()).isEqualTo("control_token_env");
        assertThat(e.getMessage()).contains(RecoveryConfig.DEFAULT_CONTROL_TOKEN_ENV, "printable ASCII")
                .doesNotContain(token);
        assertPrintableOneLine(e);
    }

    @Test
    void aControlCharacterInAValueIsShownEscaped() throws IOException {
        // Given a host holding a terminal escape sequence, written as JSON escapes
        ConfigException e = refusalOf(node("evil\\u001b[31m", "[]"));

        // Then
        assertThat(e.getMessage()).contains("'evil\\u001B[31m'");
        assertPrintableOneLine(e);
    }

    @Test
    void aControlCharacterInAnUnknownKeyIsShownEscaped() throws IOException {
        ConfigException e = refusalOf(VALID_NODE, ", \"\\u001b[2J\": 1");

        assertThat(e.getMessage()).contains("unknown key '\\u001B[2J'");
        assertPrintableOneLine(e);
    }

    @Test
    void aHugeUnknownKeyIsRefusedAtOnceAndShownShortened() throws IOException {
        // Given an unknown key of 40,000 characters, under Jackson's limit for names
        String key = "k".repeat(40_000);

        // When
        ConfigException e = assertTimeoutPreemptively(AT_ONCE, () -> refusalOf(VALID_NODE,
                ", \"" + key + "\": 1"));

        // Then
        assertThat(e.getMessage()).contains("unknown key 'kkkk").hasSizeLessThan(1_000);
        assertPrintableOneLine(e);
    }

    private static void assertPrintableOneLine(ConfigException e) {
        assertThat(e.getMessage()).as("one line of printable characters")
                .doesNotContainPattern("[\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}]");
    }

    private static String node(String host) {
        return "{\"id\": \"n1\", \"host\": \"" + json(host) + "\", \"port\": 18601, \"data_dir\": \"d\"}";
    }

    private static String node(String host, String alternatives) {
        return "{\"id\": \"n1\", \"host\": \"" + json(host) + "\", \"port\": 18601, \"data_dir\": \"d\","
                + " \"alternative_addresses\": " + alternatives + "}";
    }

    /** {@code text} as the inside of a JSON string: control characters escaped, JSON escapes kept. */
    private static String json(String text) {
        StringBuilder out = new StringBuilder();
        text.chars().forEach(c -> out.append(c < 0x20 || c == 0x7F ? String.format("\\u%04x", c)
                : String.valueOf((char) c)));
        return out.toString();
    }

    private RecoveryConfig load(String node) throws IOException {
        return ConfigLoader.load(write(node, ""));
    }

    private ConfigException refusalOf(String node) throws IOException {
        return refusalOf(node, "");
    }

    private ConfigException refusalOf(String node, String moreKeys) throws IOException {
        ConfigException e = refusal(write(node, moreKeys));
        assertThat(e).as("refused").isNotNull();
        return e;
    }

    private Path write(String node, String moreKeys) throws IOException {
        return Files.writeString(dir.resolve("cluster.json"), "{\"nodes\": [" + node + "], \"recovery_dir\": \"r\""
                + moreKeys + "}");
    }

    private static ConfigException refusal(Path file) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file));
        assertThat(e).as("refused").isNotNull();
        return e;
    }
}
