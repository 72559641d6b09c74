/**
 * The node's side of the node protocol: {@link org.distributedtesting.recovery.core.http.server.NodeProtocolServer},
 * a small server a JVM coordinator embeds to expose its node, which answers status and health requests and checks
 * the bearer token of every control request before its control handler sees it.
 */
package org.distributedtesting.recovery.core.http.server;
