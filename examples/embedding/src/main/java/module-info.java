/**
 * An application that embeds the recovery engine: the README's embedding example, with its shutdown handling.
 * Compiled on the module path against the strategies module alone, so an embedder resolves without the daemon's
 * command-line parser.
 */
module org.distributedtesting.recovery.examples.embedding {
    requires transitive org.distributedtesting.recovery.strategies;

    exports org.distributedtesting.recovery.examples.embedding;
}
