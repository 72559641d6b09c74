/**
 * The contracts of Coordinator Recovery. Depends on nothing but {@code java.base}.
 */
module org.distributedtesting.recovery.api {
    exports org.distributedtesting.recovery;
    exports org.distributedtesting.recovery.spi;

    uses org.distributedtesting.recovery.spi.RecoveryStrategyProvider;
}
