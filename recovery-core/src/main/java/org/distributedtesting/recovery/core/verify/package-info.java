/**
 * The engine's verify stage: a rung that acted is verified by its strategy against a fresh snapshot in a later cycle,
 * or fails when {@code verify_timeout} passes. Not exported.
 */
package org.distributedtesting.recovery.core.verify;
