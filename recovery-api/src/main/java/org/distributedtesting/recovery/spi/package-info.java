/**
 * Service provider interfaces: strategy providers found with {@link java.util.ServiceLoader}, and process
 * supervisors.
 */
package org.distributedtesting.recovery.spi;
