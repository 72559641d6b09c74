/**
 * The node protocol's wire format, shared by its client and server and by the maintenance command's requests:
 * status answers ({@code StatusJson}), control requests and answers ({@code ActionJson}), bounded and strict JSON
 * reads, and the bearer token's header. Not exported: users see the protocol through its client and server.
 */
package org.distributedtesting.recovery.core.http.codec;
