package org.distributedtesting.recovery.core;

import java.util.List;
import org.distributedtesting.recovery.RecoveryException;

/**
 * A strategy or strategy set name that the registry does not know. The message lists the known names.
 *
 * <p>Immutable once thrown.
 */
public class UnknownStrategyException extends RecoveryException {

    private static final long serialVersionUID = 1L;

    private final String name;

    /**
     * @param name        the unknown name
     * @param strategies  the known strategy names
     * @param sets        the known set names
     */
    public UnknownStrategyException(String name, List<String> strategies, List<String> sets) {
        super("unknown strategy '" + name + "'; known strategies: " + String.join(", ", strategies)
                + "; known sets: " + String.join(", ", sets));
        this.name = name;
    }

    /** The unknown name. */
    public String name() {
        return name;
    }
}
