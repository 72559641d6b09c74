package org.distributedtesting.recovery.examples.ratis.net;

/**
 * Starts the daemon threads of one {@link FaultProxy}, named {@code fault-proxy-<name>-<suffix>}, and keeps track of
 * them so that closing the proxy can wait for them to end.
 */
@FunctionalInterface
interface ThreadStarter {

    /** @return the started thread */
    Thread start(String suffix, Runnable body);
}
