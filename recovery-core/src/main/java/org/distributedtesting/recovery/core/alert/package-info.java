/**
 * Notifications: {@link org.distributedtesting.recovery.core.alert.AlertRouter} sends the engine's events to
 * Alertmanager, PagerDuty, Slack, Microsoft Teams and signed webhooks, off the engine's thread, with bounded queues and
 * retries.
 */
package org.distributedtesting.recovery.core.alert;
