/** The engine's internals: failure tracking, guards, the cycle. Not exported; may change at any time. */
package org.distributedtesting.recovery.core.internal;
