package org.distributedtesting.recovery.core.config;

import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a server of the daemon listens, as an operator writes it: {@code host:port}, {@code [IPv6]:port}, or a bare
 * {@code port} (or {@code :port}), which means the loopback address {@value #LOOPBACK}. The host follows the rules of
 * {@code nodes[].host}; the port is in 1..65535.
 *
 * @param host the host name or address to bind, without brackets
 * @param port the port
 */
public record ListenAddress(String host, int port) {

    /** The host a bare port binds: loopback, so that nothing is exposed unless asked for. */
    public static final String LOOPBACK = "127.0.0.1";

    /** @throws IllegalArgumentException if the host or port is not valid */
    public ListenAddress {
        Objects.requireNonNull(host, "host");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be in 1..65535, but was " + port);
        }
    }

    /**
     * Parses an address as an operator writes it.
     *
     * @throws IllegalArgumentException saying what is wrong, as a message's problem ({@code must be host:port, ...,
     *                                  but was '...'}), the text escaped
     */
    public static ListenAddress parse(String text) {
        Objects.requireNonNull(text, "text");
        String address = text.startsWith(":") ? LOOPBACK + text
                : !text.isEmpty() && text.chars().allMatch(c -> c >= '0' && c <= '9') ? LOOPBACK + ":" + text : text;
        Optional<String> problem = HostSyntax.addressProblem(address);
        if (problem.isPresent()) {
            throw new IllegalArgumentException(problem.get() + " (or a bare port, which listens on " + LOOPBACK
                    + "), but was " + ConfigReader.quote(text));
        }
        if (address.startsWith("[")) {
            int close = address.indexOf(']');
            return new ListenAddress(address.substring(1, close), Integer.parseInt(address.substring(close + 2)));
        }
        int colon = address.lastIndexOf(':');
        return new ListenAddress(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)));
    }

    /** Whether the host is a loopback address (so only this machine can connect). */
    public boolean loopback() {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
    }

    /** An unresolved socket address to bind; the host is resolved when bound. */
    public InetSocketAddress socketAddress() {
        return new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
