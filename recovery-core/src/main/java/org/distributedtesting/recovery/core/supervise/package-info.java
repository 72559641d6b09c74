/**
 * Process supervision: starting, stopping and watching nodes' processes, and running a node's maintenance command
 * to repair its data while it is stopped.
 */
package org.distributedtesting.recovery.core.supervise;
