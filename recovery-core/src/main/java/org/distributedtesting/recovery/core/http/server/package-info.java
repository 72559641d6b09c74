/**
 * The node's side of the node protocol: {@link org.distributedtesting.recovery.core.http.server.NodeProtocolServer},
 * a small server a JVM coordinator embeds to expose its node, which answers status and health requests and checks
 * the bearer token and the fencing epoch ({@code Recovery-Epoch}) of every control request before its control
 * handler sees it. It speaks its own minimal HTTP/1.1:
 * one request per connection, each connection on a thread of its own, with deadlines on a request's headers and
 * body and caps on connections per client and in all, so that stalled clients cannot starve the status.
 */
package org.distributedtesting.recovery.core.http.server;
