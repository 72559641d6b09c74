/**
 * The engine's memory between cycles, which every stage reads and moves on: a ledger per node, the recoveries in
 * progress, escalation and quarantine. Each step that changes it is an event. An engine rebuilds the ledger from the
 * journal's records when it starts ({@link org.distributedtesting.recovery.core.state.LedgerRebuild}). Not exported.
 */
package org.distributedtesting.recovery.core.state;
