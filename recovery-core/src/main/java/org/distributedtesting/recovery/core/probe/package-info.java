/**
 * The engine's first stage, probe: every node asked for its status concurrently, each probe with its own deadline; a
 * failed or late probe is an unreachable observation, never an exception. Not exported.
 */
package org.distributedtesting.recovery.core.probe;
