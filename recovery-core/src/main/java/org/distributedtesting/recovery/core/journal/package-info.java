/** The durable recovery journal: one JSON record per action, forced to disk before the action counts as done. */
package org.distributedtesting.recovery.core.journal;
