/**
 * The engine's safety guards, in one place: asked once before a rung runs (one {@code Verdict}) and before each
 * action a rung asks for. Not exported.
 */
package org.distributedtesting.recovery.core.guard;
