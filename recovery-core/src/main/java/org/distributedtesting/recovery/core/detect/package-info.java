/**
 * The engine's detect stage: every strategy's detector over the snapshot and its history ({@code DetectorPass}), then
 * damping, which confirms a failure only after it was seen in enough consecutive cycles ({@code Damping}). Not exported.
 */
package org.distributedtesting.recovery.core.detect;
