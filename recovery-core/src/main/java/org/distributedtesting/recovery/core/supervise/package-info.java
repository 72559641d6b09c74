/**
 * Process supervision: starting, stopping and watching nodes' processes (local child processes, or through a
 * node's start, stop and status commands when it runs elsewhere), and running a node's maintenance command to
 * repair its data while it is stopped.
 */
package org.distributedtesting.recovery.core.supervise;
