/**
 * The engine's memory between cycles, which every stage reads and moves on: a ledger per node, the recoveries in
 * progress, escalation and quarantine. Each step that changes it is an event. Not exported.
 */
package org.distributedtesting.recovery.core.state;
