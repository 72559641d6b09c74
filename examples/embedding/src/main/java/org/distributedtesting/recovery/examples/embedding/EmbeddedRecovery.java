package org.distributedtesting.recovery.examples.embedding;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.distributedtesting.recovery.core.RecoveryEngine;
import org.distributedtesting.recovery.core.StrategyRegistry;
import org.distributedtesting.recovery.core.config.ConfigLoader;
import org.distributedtesting.recovery.core.config.RecoveryConfig;
import org.distributedtesting.recovery.core.http.client.HttpNodeControl;
import org.distributedtesting.recovery.core.http.client.HttpNodeProbe;
import org.distributedtesting.recovery.core.journal.FileRecoveryJournal;

/**
 * The engine embedded in an application: it watches the nodes of a config file over the HTTP node protocol with
 * every strategy on the class path, and {@link #close()} stops it the way the daemon stops: the engine first (it
 * finishes its running cycle and starts no other), then the journal's {@value FileRecoveryJournal#RECOVERY_LOG_FILE_NAME}
 * written, then the journal and the HTTP clients closed. {@link #main} registers {@link #close()} as a JVM shutdown
 * hook, so SIGTERM (a {@code systemctl stop}, a {@code kill}) and Ctrl-C leave a complete journal and the seed's
 * {@code recovery_log.json}; a {@code try}-with-resources block alone does not run on SIGTERM, and an application
 * that relied on it lost {@code recovery_log.json}.
 *
 * <p>Thread-safe: {@link #close()} may be called from any thread, more than once.
 */
public final class EmbeddedRecovery implements AutoCloseable {

    private final FileRecoveryJournal journal;
    private final HttpNodeProbe probe;
    private final HttpNodeControl control;
    private final RecoveryEngine engine;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedRecovery(FileRecoveryJournal journal, HttpNodeProbe probe, HttpNodeControl control,
                             RecoveryEngine engine) {
        this.journal = journal;
        this.probe = probe;
        this.control = control;
        this.engine = engine;
    }

    /**
     * Builds the engine for the cluster {@code config} describes, without starting it.
     *
     * @throws org.distributedtesting.recovery.core.config.ConfigException if the file is not a valid configuration
     */
    public static EmbeddedRecovery open(Path config) {
        RecoveryConfig cfg = ConfigLoader.load(config);
        StrategyRegistry registry = StrategyRegistry.discover(cfg::settingsFor);
        // asked on every request, so that a rotated token takes effect; never logged
        Supplier<String> token = () -> cfg.controlToken(System.getenv()).orElse(null);
        FileRecoveryJournal journal = FileRecoveryJournal.open(cfg.recoveryDir());
        HttpNodeProbe probe = HttpNodeProbe.builder().token(token).build();
        HttpNodeControl control = HttpNodeControl.builder().nodes(cfg.nodes()).token(token).build();
        RecoveryEngine engine = RecoveryEngine.builder()
                .nodes(cfg.nodes())
                .probe(probe)                  // or your own NodeProbe over your coordinator's state
                .control(control)              // or your own NodeControl: step down, sync, reset log...
                .strategies(registry.all())
                .options(cfg.options())
                .journal(journal)
                .build();
        return new EmbeddedRecovery(journal, probe, control, engine);
    }

    /** Runs a cycle every {@code interval} on the engine's own thread. */
    public void start(Duration interval) {
        engine.start(interval);
    }

    /** The engine, for listeners, {@code runCycle()} or {@code release(node)}. */
    public RecoveryEngine engine() {
        return engine;
    }

    /**
     * Stops the engine, writes {@value FileRecoveryJournal#RECOVERY_LOG_FILE_NAME} and closes the journal and the
     * clients. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        engine.close(); // waits for a running cycle: every record it appends is in the journal
        try {
            journal.saveRecoveryLog();
        } catch (IOException e) {
            System.err.println("could not write " + FileRecoveryJournal.RECOVERY_LOG_FILE_NAME + ": " + e.getMessage()
                    + " (the journal itself is complete)");
        } finally {
            journal.close();
            probe.close();
            control.close();
        }
    }

    /**
     * {@code EmbeddedRecovery CONFIG [INTERVAL_SECONDS]}: watches the cluster until the JVM is asked to stop.
     *
     * @throws Exception if the configuration cannot be loaded, or the main thread is interrupted
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: EmbeddedRecovery CONFIG [INTERVAL_SECONDS]");
            System.exit(2);
        }
        Duration interval = Duration.ofMillis(Math.round(1000 * (args.length > 1 ? Double.parseDouble(args[1]) : 30)));
        EmbeddedRecovery recovery = EmbeddedRecovery.open(Path.of(args[0]));
        CountDownLatch stopped = new CountDownLatch(1);
        // SIGTERM and Ctrl-C run shutdown hooks, not finally blocks: the hook is what writes recovery_log.json
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            recovery.close();
            stopped.countDown();
        }, "recovery-shutdown"));
        recovery.start(interval);
        System.out.println("watching; SIGTERM or Ctrl-C stops the engine and writes "
                + FileRecoveryJournal.RECOVERY_LOG_FILE_NAME);
        stopped.await(); // the application's own work would go here
    }
}
