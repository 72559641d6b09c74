/**
 * A small fault-injecting TCP proxy for tests on loopback: it sits between a client and a target and can hold the
 * bytes of one direction (a partition), refuse new connections, delay or throttle what it forwards, and reset every
 * open connection.
 *
 * <p>Start here: {@link org.distributedtesting.recovery.examples.ratis.net.FaultProxy}.
 */
package org.distributedtesting.recovery.examples.ratis.net;
