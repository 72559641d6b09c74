/**
 * The HTTP node protocol, client side: {@link org.distributedtesting.recovery.core.http.HttpNodeProbe} asks a node
 * for its status with {@code GET /api/status}, and {@link org.distributedtesting.recovery.core.http.StatusJson}
 * converts between that answer's JSON and {@link org.distributedtesting.recovery.NodeStatus}.
 */
package org.distributedtesting.recovery.core.http;
