package org.distributedtesting.recovery.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HostSyntaxTest {

    private static final String PORT_KEY = "nodes[0].port";

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"::", "::1", "1::", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8",
            "2001:DB8::8a2e:370:7334", "::ffff:192.0.2.1", "::192.0.2.1", "1:2:3:4:5:6:192.0.2.1", "fe80::1%eth0",
            "fe80::1%1"})
    void acceptsIpv6AddressesAsRfc4291WritesThem(String address) {
        assertThat(HostSyntax.isIpv6(address)).isTrue();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {":", ":::", "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8::",
            "12345::", "::g", ":1::", "::1:", "1.2.3.4", ":1.2.3.4", "::1.2.3", "::256.1.1.1",
            "1:2:3:4:5:6:7:1.2.3.4", "fe80::1%", "fe80::1%eth0/x", "fe80::1%0123456789abcdef"})
    void refusesWhatIsNoIpv6Address(String text) {
        assertThat(HostSyntax.isIpv6(text)).isFalse();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"0.0.0.0", "10.0.0.1", "255.255.255.255"})
    void acceptsIpv4Addresses(String address) {
        assertThat(HostSyntax.isIpv4(address)).isTrue();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"1.2.3", "1.2.3.4.5", "256.0.0.1", "01.2.3.4", "1..2.3", "1.2.3.", "1.2.3.-4", "+1.2.3.4"})
    void refusesWhatIsNoIpv4Address(String text) {
        assertThat(HostSyntax.isIpv4(text)).isFalse();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            bad host                | must not contain whitespace or control characters
            http://127.0.0.1        | must be a host name or an IP address without a scheme such as http://
            127.0.0.1:18601         | must not include a port (the port is nodes[0].port)
            localhost:80            | must not include a port (the port is nodes[0].port)
            [::1]                   | must be an IPv6 address without brackets here (brackets are for host:port)
            [::1                    | must be an IPv6 address without brackets here (brackets are for host:port)
            [node]                  | must be a host name or an IP address; brackets belong around an IPv6 address
            host/path               | must be a host name or an IP address, not a URL (no '/', '?', '#' or '@')
            10.0.0.256              | is not a valid IPv4 address (four numbers 0..255 without leading zeros)
            123                     | is not a valid IPv4 address (four numbers 0..255 without leading zeros)
            1::2::3                 | is not a valid IPv6 address
            a_b                     | must be a host name of letters, digits, '-' and '.' (RFC 1123)
            -a                      | must not have a label that starts or ends with '-'
            a..b                    | must not have an empty label
            .a                      | must not have an empty label
            node1.123               | must have a last label that starts with a letter (or be an IPv4 address)
            bücher.example          | must be ASCII; write an international name in its xn-- form
            """)
    void explainsWhyAHostIsRefused(String host, String problem) {
        assertThat(HostSyntax.hostProblem(host, PORT_KEY)).hasValueSatisfying(p -> assertThat(p).startsWith(problem));
    }

    @Test
    void boundsTheLengthOfAHostAndOfEachLabel() {
        String label63 = "a".repeat(63);
        String name253 = String.join(".", label63, label63, label63, "a".repeat(61));

        assertThat(HostSyntax.hostProblem(name253, PORT_KEY)).isEmpty();
        assertThat(HostSyntax.hostProblem(name253 + "a", PORT_KEY))
                .contains("must be at most 253 characters, but has 254");
        assertThat(HostSyntax.hostProblem("a".repeat(64) + ".example", PORT_KEY))
                .contains("must have labels of at most 63 characters, but one has 64");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"localhost", "node1", "3com", "coordinator1.example.com", "coordinator1.example.com.",
            "xn--bcher-kva.example", "127.0.0.1", "::1", "fe80::1%eth0"})
    void acceptsHostNamesAndAddresses(String host) {
        assertThat(HostSyntax.hostProblem(host, PORT_KEY)).isEmpty();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"10.0.0.2:8080", "node1:1", "example.com.:65535", "[::1]:8080", "[fe80::1%eth0]:80",
            "[::ffff:1.2.3.4]:80"})
    void acceptsHostAndPort(String address) {
        assertThat(HostSyntax.addressProblem(address)).isEmpty();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            10.0.0.2            | must be host:port, with a port in 1..65535
            ::1:80              | must write an IPv6 address in brackets, as in [::1]:8080
            h:80:80             | must be host:port, with one ':'
            [::1:80             | must be [IPv6 address]:port, but the '[' is not closed
            [node]:80           | must be host:port, and only an IPv6 address goes in brackets
            [::1]80             | must be [IPv6 address]:port, with a ':' and the port after the ']'
            [::1]:0             | must end in a port in 1..65535 after the ':'
            :80                 | must be host:port, but has no host before the ':'
            h:65536             | must end in a port in 1..65535 after the ':'
            h:+80               | must end in a port in 1..65535 after the ':'
            a_b:80              | has a host that must be a host name of letters
            10.0.0.256:80       | has a host that is not a valid IPv4 address
            """)
    void explainsWhyAnAddressIsRefused(String address, String problem) {
        assertThat(HostSyntax.addressProblem(address)).hasValueSatisfying(p -> assertThat(p).startsWith(problem));
    }
}
