/** The HTTP+JSON node protocol: probing and controlling nodes over HTTP. */
package org.distributedtesting.recovery.core.http;
