package org.distributedtesting.recovery.core.http.client;

import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which address the monitor uses to reach each node: its primary {@code host:port}, or one of its configured
 * {@link NodeSpec#alternativeAddresses() alternative addresses} after the network partition strategy switched to it
 * (the custom action {@value #USE_ALTERNATIVE_ADDRESS}, which {@link HttpNodeControl} carries out here, on the
 * monitor's side: the node is not asked, since the monitor cannot reach it at its primary address).
 *
 * <p>An alternative stays in use while it answers. The first probe that fails on it switches the node back to its
 * primary address, so a healed primary is used again without an operator, and an alternative that went away does
 * not hide the node. Share one instance between the {@link HttpNodeProbe} and the {@link HttpNodeControl} of a
 * monitor, so that probes and actions take the same route.
 *
 * <p>Thread-safe: routes live in a concurrent map.
 */
public final class NodeRoutes {

    /** The custom action that switches a node to an alternative address, with parameter {@code address}. */
    public static final String USE_ALTERNATIVE_ADDRESS = "use_alternative_address";

    private static final Logger LOG = LoggerFactory.getLogger(NodeRoutes.class);

    private final Map<NodeId, String> alternatives = new ConcurrentHashMap<>();

    /** Every node at its primary address. */
    public NodeRoutes() {
    }

    /** The alternative address {@code node} is reached at now, if not its primary one. */
    public Optional<String> alternativeInUse(NodeId node) {
        return Optional.ofNullable(alternatives.get(Objects.requireNonNull(node, "node")));
    }

    /** The endpoint {@code path} of {@code node} on its current route. */
    URI uri(NodeSpec node, String path) {
        String alternative = alternatives.get(node.id());
        return alternative == null ? NodeUris.of(node, path) : NodeUris.of(alternative, path);
    }

    /**
     * Reaches {@code node} at {@code address} from now on.
     *
     * @throws IllegalArgumentException if {@code address} is not one of the node's alternative addresses
     */
    void use(NodeSpec node, String address) {
        requireAlternative(node, address);
        String before = alternatives.put(node.id(), address);
        if (!address.equals(before)) {
            LOG.info("Reaching node '{}' at its alternative address {} (primary {})", node.id(), address,
                    node.address());
        }
    }

    /** Goes back to the primary address of {@code node} after its alternative failed; no-op on the primary. */
    void fallBack(NodeSpec node, String reason) {
        String removed = alternatives.remove(node.id());
        if (removed != null) {
            LOG.info("Alternative address {} of node '{}' failed ({}); back to its primary address {}", removed,
                    node.id(), reason, node.address());
        }
    }

    static void requireAlternative(NodeSpec node, String address) {
        if (!node.alternativeAddresses().contains(address)) {
            throw new IllegalArgumentException("'" + address + "' is not an alternative address of node '"
                    + node.id() + "'; configured: " + node.alternativeAddresses());
        }
    }
}
