/**
 * The engine's last stage: every decision's event is journaled (its record made by
 * {@link org.distributedtesting.recovery.core.journal.JournalRecords}) and then told to the listeners. Not exported.
 */
package org.distributedtesting.recovery.core.report;
