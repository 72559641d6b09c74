package org.distributedtesting.recovery.core.http;

import java.util.Objects;
import java.util.Optional;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ActionResult;

/**
 * One authorized control request as
 * {@link org.distributedtesting.recovery.core.http.server.NodeProtocolServer} hands it to its host: the action, and the
 * {@code host:port} of the action's source node when the client named one ({@code from_address} of
 * {@code trigger_sync} and {@code restore}), so that a host can fetch from it, for example with
 * {@link org.distributedtesting.recovery.core.http.client.DatabaseDownload#download}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param action        what the daemon asks this node to do
 * @param sourceAddress where the action's source node serves the protocol, when the request said
 */
public record ControlRequest(Action action, Optional<String> sourceAddress) {

    /** @throws NullPointerException if any argument is null */
    public ControlRequest {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(sourceAddress, "sourceAddress");
    }

    /**
     * Carries out control requests on the host's node; see
     * {@link org.distributedtesting.recovery.core.http.server.NodeProtocolServer.Builder#controlHandler(Handler)}.
     *
     * <p>Implementations must be thread-safe: the server calls them from several threads.
     */
    @FunctionalInterface
    public interface Handler {

        /**
         * Carries out one request and says what came of it.
         *
         * @throws Exception on failure; the server answers {@code "outcome":"failed"} with its message
         */
        ActionResult execute(ControlRequest request) throws Exception;
    }
}
