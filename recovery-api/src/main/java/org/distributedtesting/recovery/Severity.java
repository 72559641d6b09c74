package org.distributedtesting.recovery;

/** How bad a failure is for the cluster. */
public enum Severity {
    /** Degraded performance, no risk to data or availability yet. */
    LOW,
    /** One node is out of service; the cluster still has quorum. */
    MEDIUM,
    /** Availability or data is at risk if nothing is done. */
    HIGH,
    /** Safety is violated now (for example two leaders in one term). */
    CRITICAL
}
