/**
 * The HTTP node protocol ({@code docs/node-protocol.md}), both sides. The daemon's side:
 * {@link org.distributedtesting.recovery.core.http.HttpNodeProbe} asks a node for its status with
 * {@code GET /api/status}, and {@link org.distributedtesting.recovery.core.http.HttpNodeControl} asks it to carry
 * out actions with {@code POST /api/control/...}; every exchange ends by its deadline and reads a bounded answer.
 * The node's side: {@link org.distributedtesting.recovery.core.http.NodeProtocolServer}, a small server a JVM
 * coordinator embeds to expose its node, which checks the bearer token of every control request.
 * {@link org.distributedtesting.recovery.core.http.StatusJson} converts between the status answer's JSON and
 * {@link org.distributedtesting.recovery.NodeStatus}.
 */
package org.distributedtesting.recovery.core.http;
