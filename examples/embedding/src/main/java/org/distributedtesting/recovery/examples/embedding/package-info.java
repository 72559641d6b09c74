/**
 * An application embedding the engine: {@link org.distributedtesting.recovery.examples.embedding.EmbeddedRecovery}
 * watches the nodes of a config file over the HTTP node protocol and, on SIGTERM, stops the engine and writes the
 * journal's {@code recovery_log.json} before the JVM exits.
 */
package org.distributedtesting.recovery.examples.embedding;
