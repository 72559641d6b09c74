/**
 * The engine's act stage: the current rung of a recovery's ladder, run in a context whose every action passes the
 * guards, the backup before a destructive step and dry run before it reaches the node control. Not exported.
 */
package org.distributedtesting.recovery.core.act;
