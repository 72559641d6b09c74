package org.distributedtesting.recovery.core.supervise;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.IntegrityCheck;
import org.distributedtesting.recovery.NodeControl;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.ProcessStatus;
import org.distributedtesting.recovery.spi.ProcessSupervisor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A supervisor that tells why a node's process ended by itself: a node that fails to start on a damaged log or
 * database cannot say so in a status answer, so for a node with a {@code maintenance_command} whose process ended
 * with an exit code other than SIGKILL's or SIGTERM's, the node's own tool checks its stopped data
 * ({@link Action.CheckData}), and the node's status carries the verdicts ({@link ProcessStatus#log()},
 * {@link ProcessStatus#database()}). The detectors then send the node to the log or database ladder instead of
 * restarting it on the same damage until it is quarantined.
 *
 * <p>The check runs on a thread of its own, once per ended process, so that a cycle never waits for it: the status
 * carries its verdicts from the first cycle after it finished. Everything else is the wrapped supervisor's.
 *
 * <p>Thread-safe. {@link #close()} stops the check thread (waiting briefly for a running check) and closes the
 * wrapped supervisor.
 */
public final class OfflineChecks implements ProcessSupervisor {

    private static final Logger LOG = LoggerFactory.getLogger(OfflineChecks.class);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    /** The verdicts about one ended process, or null fields while its check runs. */
    private record Verdict(String process, IntegrityCheck log, IntegrityCheck database) {
        boolean known() {
            return log != null;
        }
    }

    private final ProcessSupervisor supervisor;
    private final NodeControl checker;
    private final ExecutorService executor;
    private final Map<NodeId, Verdict> verdicts = new ConcurrentHashMap<>();

    /**
     * @param supervisor the supervisor of the nodes' processes
     * @param checker    runs {@link Action.CheckData} on a stopped node's data (a {@link MaintenanceCommandControl})
     * @throws NullPointerException if an argument is null
     */
    public OfflineChecks(ProcessSupervisor supervisor, NodeControl checker) {
        this.supervisor = Objects.requireNonNull(supervisor, "supervisor");
        this.checker = Objects.requireNonNull(checker, "checker");
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "recovery-offline-check");
            t.setDaemon(true);
            return t;
        });
    }

    /** The wrapped supervisor's status, with the verdicts of the node's own checks once a check has run. */
    @Override
    public ProcessStatus status(NodeSpec node) {
        ProcessStatus status = supervisor.status(node);
        if (!node.hasMaintenanceCommand() || !status.endedByItself()) {
            return status;
        }
        String process = status.pid().orElse(-1) + "/" + status.exitCode().orElse(-1);
        Verdict verdict = verdicts.get(node.id());
        if (verdict == null || !verdict.process().equals(process)) {
            verdicts.put(node.id(), new Verdict(process, null, null));
            executor.execute(() -> check(node, process));
            return status;
        }
        return verdict.known() ? status.withDataChecks(verdict.log(), verdict.database()) : status;
    }

    private void check(NodeSpec node, String process) {
        ActionResult result;
        try {
            result = checker.execute(new Action.CheckData(node.id()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            result = new ActionResult.Failed(e.toString());
        }
        IntegrityCheck log = IntegrityCheck.UNKNOWN;
        IntegrityCheck database = IntegrityCheck.UNKNOWN;
        if (result instanceof ActionResult.Done done) {
            log = verdict(done.data().get("log"));
            database = verdict(done.data().get("database"));
            LOG.info("'{}' ended by itself ({}); its own check of its stopped data: log {}, database {}", node.id(),
                    process, log.status(), database.status());
        } else {
            LOG.warn("'{}' ended by itself ({}), and its maintenance command could not check its data: {}",
                    node.id(), process, result.detail());
        }
        verdicts.put(node.id(), new Verdict(process, log, database));
    }

    /** {@code {"status": "ok"|"failed"|"unknown", "detail": "..."}} as an integrity check; unknown otherwise. */
    private static IntegrityCheck verdict(Object value) {
        if (!(value instanceof Map<?, ?> map) || !(map.get("status") instanceof String status)) {
            return IntegrityCheck.UNKNOWN;
        }
        String detail = map.get("detail") instanceof String d ? d : status;
        return switch (status.toLowerCase(Locale.ROOT)) {
            case "ok" -> new IntegrityCheck(IntegrityCheck.Status.OK, detail);
            case "failed" -> IntegrityCheck.failed(detail);
            default -> new IntegrityCheck(IntegrityCheck.Status.UNKNOWN, detail);
        };
    }

    @Override
    public ProcessStatus start(NodeSpec node) throws Exception {
        return supervisor.start(node);
    }

    @Override
    public void stop(NodeSpec node, Duration grace) throws Exception {
        supervisor.stop(node, grace);
    }

    @Override
    public void onProcessExit(Consumer<NodeId> listener) {
        supervisor.onProcessExit(listener);
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("an offline check still runs {} after close", CLOSE_WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        supervisor.close();
    }
}
