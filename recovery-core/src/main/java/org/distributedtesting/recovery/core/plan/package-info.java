/**
 * The engine's plan stage: for each confirmed failure, in precedence order, the guards' one verdict and what follows
 * from it: run the next rung, wait, pre-empt a recovery of lower precedence, or escalate. Not exported.
 */
package org.distributedtesting.recovery.core.plan;
