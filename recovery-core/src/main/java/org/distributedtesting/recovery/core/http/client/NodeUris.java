package org.distributedtesting.recovery.core.http.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.RecoveryException;

/**
 * The {@code http://host:port/path} addresses of a node's protocol endpoints.
 *
 * <p>Stateless and thread-safe.
 */
final class NodeUris {

    private NodeUris() {
    }

    /**
     * The endpoint {@code path} of {@code node}.
     *
     * @throws RecoveryException if the node's host and port make no usable URI
     */
    static URI of(NodeSpec node, String path) {
        try {
            return checked(new URI("http", null, node.host(), node.port(), path, null, null));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new RecoveryException("node '" + node.id() + "' has an unusable address " + node.address(), e);
        }
    }

    /**
     * The endpoint {@code path} at {@code hostPort}, as in {@code 127.0.0.1:8081} or {@code [::1]:8081}.
     *
     * @throws IllegalArgumentException if {@code hostPort} is not a host and a port
     */
    static URI of(String hostPort, String path) {
        Objects.requireNonNull(hostPort, "hostPort");
        URI base;
        try {
            base = new URI("http://" + hostPort);
        } catch (URISyntaxException e) {
            throw notHostPort(hostPort, e);
        }
        if (base.getHost() == null || base.getPort() < 1 || base.getPort() > 65_535
                || !(base.getRawPath() == null || base.getRawPath().isEmpty())
                || base.getRawQuery() != null || base.getRawFragment() != null || base.getRawUserInfo() != null) {
            throw notHostPort(hostPort, null);
        }
        try {
            return checked(new URI("http", null, base.getHost(), base.getPort(), path, null, null));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw notHostPort(hostPort, e);
        }
    }

    /** The URI, if {@link java.net.http.HttpRequest} accepts it. */
    private static URI checked(URI uri) {
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("no host in " + uri);
        }
        return uri;
    }

    private static IllegalArgumentException notHostPort(String hostPort, Exception cause) {
        return new IllegalArgumentException("hostPort must be host:port, for example 127.0.0.1:8081, but was '"
                + hostPort + "'", cause);
    }
}
