package org.distributedtesting.recovery.strategies;

import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;
import org.distributedtesting.recovery.NodeId;

/**
 * Node ids written the two ways the strategies write them: as plain strings for evidence, which the journal keeps
 * as JSON, and quoted for summaries and rung details, as every log message quotes a node id.
 *
 * <p>Stateless and thread-safe.
 */
final class NodeNames {

    private NodeNames() {
    }

    /** Node ids as strings, for evidence. */
    static List<String> values(Collection<NodeId> nodes) {
        return nodes.stream().map(NodeId::value).toList();
    }

    /** Node ids quoted and joined, such as {@code 'node-1', 'node-2'}. */
    static String quoted(Collection<NodeId> nodes) {
        return nodes.stream().map(n -> "'" + n + "'").collect(Collectors.joining(", "));
    }
}
