/** Regression tests for strategy bugs found against real clusters, one class per symptom. */
package org.distributedtesting.recovery.strategies.regression;
