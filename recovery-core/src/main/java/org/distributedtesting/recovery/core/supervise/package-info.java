/** Process supervision: starting, stopping and watching nodes' processes. */
package org.distributedtesting.recovery.core.supervise;
