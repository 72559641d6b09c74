package org.distributedtesting.recovery.examples.custom;

import java.util.Objects;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.RecoveryContext;
import org.distributedtesting.recovery.RungResult;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.strategies.SplitBrainStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in split-brain strategy with its first rung, {@code fence_stale_leaders}, changed: the person on call
 * is paged before a stale leader is fenced, and the rung's journal detail starts with {@value #MARK}, so that an
 * auditor (and {@code CustomStrategyDaemonIT}) can tell the custom rung from the built-in. Detection, the other
 * rungs, verification and every safety guard stay those of {@link SplitBrainStrategy}; the name stays
 * {@code split_brain}, so its provider declares that it replaces the built-in, and puts it in the set
 * {@value ExampleStrategies#CUSTOM_SET} that {@code --strategy custom} selects.
 *
 * <p>Thread-safe when its {@link Pager} is.
 */
public class CustomSplitBrainStrategy extends SplitBrainStrategy {

    /** How the custom rung's detail begins in the journal. */
    public static final String MARK = "custom fence:";

    private static final Logger LOG = LoggerFactory.getLogger(CustomSplitBrainStrategy.class);

    private final Pager pager;

    /**
     * @param settings tuning from the config file, as for {@link SplitBrainStrategy} (none)
     * @param pager    who to tell before a stale leader is fenced
     * @throws NullPointerException if any argument is null
     * @throws org.distributedtesting.recovery.SettingsException if {@code settings} has any key
     */
    public CustomSplitBrainStrategy(Settings settings, Pager pager) {
        super(settings);
        this.pager = Objects.requireNonNull(pager, "pager");
    }

    /**
     * With the {@link Pager#logging() logging} pager.
     *
     * @throws org.distributedtesting.recovery.SettingsException if {@code settings} has any key
     */
    public CustomSplitBrainStrategy(Settings settings) {
        this(settings, Pager.logging());
    }

    /** Pages (not in a dry run), then fences as the built-in does; the detail says it was this rung. */
    @Override
    protected RungResult fenceStaleLeaders(Failure failure, RecoveryContext context) {
        if (!context.dryRun()) {
            try {
                pager.page(failure);
            } catch (RuntimeException e) {
                // a paging outage must not leave two leaders in place
                LOG.warn("pager failed for {}; fencing anyway", failure.key(), e);
            }
        }
        RungResult result = super.fenceStaleLeaders(failure, context);
        String detail = MARK + " " + result.detail();
        return switch (result.kind()) {
            case ACTED -> RungResult.acted(detail);
            case SKIPPED -> RungResult.skipped(detail);
            case FAILED -> RungResult.failed(detail);
        };
    }
}
