/**
 * The daemon's side of the node protocol: {@link org.distributedtesting.recovery.core.http.client.HttpNodeProbe} asks
 * a node for its status with {@code GET /api/status}, and
 * {@link org.distributedtesting.recovery.core.http.client.HttpNodeControl} asks it to carry out actions with
 * {@code POST /api/control/...}; every exchange ends by its deadline and reads a bounded answer.
 * {@link org.distributedtesting.recovery.core.http.client.NodeRoutes} holds the alternative address each node is
 * reached at, shared by the probe and the control.
 */
package org.distributedtesting.recovery.core.http.client;
