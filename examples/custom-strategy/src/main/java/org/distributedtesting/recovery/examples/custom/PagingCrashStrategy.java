package org.distributedtesting.recovery.examples.custom;

import java.util.Objects;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.RecoveryContext;
import org.distributedtesting.recovery.RungResult;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.strategies.ProcessCrashStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in process-crash strategy with one rung changed: before each restart it pages the person on call.
 * Detection, verification and every safety guard stay those of {@link ProcessCrashStrategy}; the name stays
 * {@code process_crash}, so a provider must declare that it replaces the built-in (see {@link ExampleStrategies}).
 *
 * <p>Thread-safe when its {@link Pager} is.
 */
public class PagingCrashStrategy extends ProcessCrashStrategy {

    private static final Logger LOG = LoggerFactory.getLogger(PagingCrashStrategy.class);

    private final Pager pager;

    /**
     * @param settings tuning from the config file, as for {@link ProcessCrashStrategy}
     * @param pager    who to tell before a restart
     * @throws NullPointerException if any argument is null
     * @throws IllegalArgumentException if a setting is not valid
     */
    public PagingCrashStrategy(Settings settings, Pager pager) {
        super(settings);
        this.pager = Objects.requireNonNull(pager, "pager");
    }

    /**
     * With the {@link Pager#logging() logging} pager.
     *
     * @throws IllegalArgumentException if a setting is not valid
     */
    public PagingCrashStrategy(Settings settings) {
        this(settings, Pager.logging());
    }

    /** Pages, then restarts as the built-in does. A dry run plans the restart and pages no one. */
    @Override
    protected RungResult restart(Failure failure, RecoveryContext context) {
        if (!context.dryRun()) {
            try {
                pager.page(failure);
            } catch (RuntimeException e) {
                // a paging outage must not keep a crashed node down
                LOG.warn("pager failed for {}; restarting anyway", failure.key(), e);
            }
        }
        return super.restart(failure, context);
    }
}
