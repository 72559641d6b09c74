/**
 * An example of extending Coordinator Recovery: a built-in strategy with one rung overridden, contributed through
 * {@link org.distributedtesting.recovery.spi.RecoveryStrategyProvider}, and a strategy written from scratch that a
 * host registers by code.
 */
module org.distributedtesting.recovery.examples.custom {
    // transitive: the example's public types extend and return types of the strategies, core and api modules
    requires transitive org.distributedtesting.recovery.strategies;
    requires org.slf4j;

    exports org.distributedtesting.recovery.examples.custom;

    provides org.distributedtesting.recovery.spi.RecoveryStrategyProvider
            with org.distributedtesting.recovery.examples.custom.ExampleStrategies;
}
