package org.distributedtesting.recovery.strategies.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.RecoveryEvent;
import org.distributedtesting.recovery.RecoveryListener;
import org.distributedtesting.recovery.core.http.client.HttpNodeControl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When this daemon becomes the active one of several, it fences every node before it acts: each gets
 * {@code POST /api/control/fence} with the new epoch, so a request the previous active daemon sends late is refused
 * even by a node this daemon never has to touch. Runs on the engine's thread when the role changes (the cycle that
 * took the lease plans after it), the nodes in parallel, waiting at most {@link #WAIT}; a node that cannot be reached
 * now is fenced by the first control request this daemon sends it, which carries the epoch too.
 *
 * <p>Thread-safe.
 */
final class FenceOnTakeover implements RecoveryListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FenceOnTakeover.class);

    /** How long a takeover waits for the nodes' answers; later answers are still logged. */
    static final Duration WAIT = Duration.ofSeconds(3);

    private final HttpNodeControl control;
    private final List<NodeId> nodes;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "recovery-fence");
        t.setDaemon(true);
        return t;
    });

    FenceOnTakeover(HttpNodeControl control, List<NodeId> nodes) {
        this.control = Objects.requireNonNull(control, "control");
        this.nodes = List.copyOf(nodes);
    }

    @Override
    public void onEvent(RecoveryEvent event) {
        if (!(event instanceof RecoveryEvent.RoleChanged changed) || !changed.active()) {
            return;
        }
        List<CompletableFuture<Void>> fences = new ArrayList<>();
        for (NodeId node : nodes) {
            fences.add(CompletableFuture.runAsync(() -> fence(node, changed.epoch()), pool));
        }
        try {
            CompletableFuture.allOf(fences.toArray(CompletableFuture[]::new)).get(WAIT.toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("fencing the nodes at epoch {} takes longer than {}; acting meanwhile (every request carries"
                    + " the epoch)", changed.epoch(), WAIT);
        } catch (ExecutionException e) {
            LOG.warn("fencing the nodes at epoch {} failed: {}", changed.epoch(), e.getCause().toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void fence(NodeId node, long epoch) {
        ActionResult result;
        try {
            result = control.fence(node);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (result.done()) {
            LOG.info("fenced '{}' at epoch {}", node, epoch);
        } else if (HttpNodeControl.refusedAsStale(result)) {
            LOG.warn("'{}' has seen a newer epoch than this daemon's {}: another daemon took the lease since; {}",
                    node, epoch, result.detail());
        } else {
            LOG.warn("could not fence '{}' at epoch {} now ({}); its next control request carries the epoch", node,
                    epoch, result.detail());
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
