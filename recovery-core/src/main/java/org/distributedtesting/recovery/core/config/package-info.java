/** Loads and validates the cluster configuration file (the seed's JSON format plus optional settings). */
package org.distributedtesting.recovery.core.config;
