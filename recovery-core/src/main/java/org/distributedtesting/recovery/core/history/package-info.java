/**
 * The journal's history in DuckDB: every journal record, indexed in a database file (tables and views documented in
 * {@link org.distributedtesting.recovery.core.history.HistoryDatabase}) and filled from the JSONL journal, which stays
 * the durable record written first; and the report computed from it in SQL.
 */
package org.distributedtesting.recovery.core.history;
