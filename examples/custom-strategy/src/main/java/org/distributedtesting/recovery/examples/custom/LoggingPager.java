package org.distributedtesting.recovery.examples.custom;

import org.distributedtesting.recovery.Failure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link Pager}: a WARN log line per page, for hosts that have no paging service wired up yet.
 *
 * <p>Stateless and thread-safe.
 */
final class LoggingPager implements Pager {

    static final LoggingPager INSTANCE = new LoggingPager();

    private static final Logger LOG = LoggerFactory.getLogger(LoggingPager.class);

    private LoggingPager() {
    }

    @Override
    public void page(Failure failure) {
        LOG.warn("PAGE {} on {}: {}", failure.type(), failure.nodes().stream().map(n -> "'" + n + "'").toList(),
                failure.summary());
    }
}
