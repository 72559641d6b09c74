package org.distributedtesting.recovery.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.distributedtesting.recovery.ClusterHistory;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.FailureDetector;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.RecoveryContext;
import org.distributedtesting.recovery.RecoveryStrategy;
import org.distributedtesting.recovery.RungResult;
import org.distributedtesting.recovery.Settings;

/**
 * A base for strategies whose rungs are protected methods, so that a host can subclass a built-in strategy and
 * override one rung:
 *
 * <pre>{@code
 * public class GentleCrashStrategy extends ProcessCrashStrategy {
 *     @Override
 *     protected RungResult restart(Failure failure, RecoveryContext context) {
 *         notifyPager(failure);
 *         return super.restart(failure, context);
 *     }
 * }
 * }</pre>
 *
 * A subclass registers its rungs in its constructor with {@link #rung(String, Rung)}, least invasive first, and
 * implements {@link #detect}.
 *
 * <p>Thread-safe once constructed, provided the subclass's rungs and detector are.
 */
public abstract class LadderStrategy implements RecoveryStrategy {

    /** One rung's body. */
    @FunctionalInterface
    protected interface Rung {
        /** Runs the rung. */
        RungResult run(Failure failure, RecoveryContext context);
    }

    private final String name;
    private final FailureType type;
    private final Settings settings;
    private final List<String> rungNames = new ArrayList<>();
    private final List<String> rungActions = new ArrayList<>();
    private final List<Rung> rungs = new ArrayList<>();
    private final FailureDetector detector = new FailureDetector() {
        @Override
        public List<Failure> detect(ClusterSnapshot snapshot, ClusterHistory history) {
            return LadderStrategy.this.detect(snapshot, history);
        }

        @Override
        public List<Failure> forming(ClusterSnapshot snapshot, ClusterHistory history) {
            return LadderStrategy.this.forming(snapshot, history);
        }
    };

    /**
     * @param name     the registry name
     * @param type     the failure type handled
     * @param settings the tuning from the config file
     * @throws NullPointerException if any argument is null
     */
    protected LadderStrategy(String name, FailureType type, Settings settings) {
        this.name = Objects.requireNonNull(name, "name");
        this.type = Objects.requireNonNull(type, "type");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /**
     * Adds a rung at the top of the ladder; call from the constructor.
     *
     * @throws IllegalArgumentException if the name is taken
     */
    protected final void rung(String rungName, Rung body) {
        rung(rungName, "recovery_attempted", body);
    }

    /**
     * Adds a rung whose journal record is named {@code journalAction} (for example the seed's
     * {@code recover_split_brain}); call from the constructor.
     *
     * @throws IllegalArgumentException if the name is taken
     */
    protected final void rung(String rungName, String journalAction, Rung body) {
        Objects.requireNonNull(rungName, "rungName");
        Objects.requireNonNull(journalAction, "journalAction");
        Objects.requireNonNull(body, "body");
        if (rungNames.contains(rungName)) {
            throw new IllegalArgumentException("rung '" + rungName + "' is already on the ladder of '" + name + "'");
        }
        rungNames.add(rungName);
        rungActions.add(journalAction);
        rungs.add(body);
    }

    @Override
    public String rungAction(int rung) {
        return rungActions.get(Objects.checkIndex(rung, rungActions.size()));
    }

    /** Finds this strategy's failures; pure, see {@link FailureDetector}. */
    protected abstract List<Failure> detect(ClusterSnapshot snapshot, ClusterHistory history);

    /**
     * The failures this strategy sees forming but does not report yet; none by default. See
     * {@link FailureDetector#forming}.
     */
    protected List<Failure> forming(ClusterSnapshot snapshot, ClusterHistory history) {
        return List.of();
    }

    /** The tuning from the config file. */
    protected final Settings settings() {
        return settings;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final FailureType type() {
        return type;
    }

    @Override
    public final FailureDetector detector() {
        return detector;
    }

    @Override
    public final List<String> rungs() {
        return List.copyOf(rungNames);
    }

    /** @throws IndexOutOfBoundsException if {@code rung} is not on the ladder */
    @Override
    public final RungResult attempt(int rung, Failure failure, RecoveryContext context) {
        Objects.checkIndex(rung, rungs.size());
        return rungs.get(rung).run(failure, context);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + name + ", rungs=" + rungNames + "]";
    }
}
