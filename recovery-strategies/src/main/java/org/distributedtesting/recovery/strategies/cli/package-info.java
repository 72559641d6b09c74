/** The command-line daemon: {@code java -jar recovery.jar --config cluster.json --daemon}. Not an API. */
package org.distributedtesting.recovery.strategies.cli;
