/**
 * The HTTP node protocol ({@code docs/node-protocol.md}): what both sides share, the
 * {@link org.distributedtesting.recovery.core.http.ControlRequest} a node's control handler receives and the
 * {@link org.distributedtesting.recovery.core.http.ProtocolException} that an answer or request breaking the protocol
 * raises. The daemon's side is {@link org.distributedtesting.recovery.core.http.client}, the node's side
 * {@link org.distributedtesting.recovery.core.http.server}; the wire format of both is in {@code http.codec}, which
 * is not exported.
 */
package org.distributedtesting.recovery.core.http;
