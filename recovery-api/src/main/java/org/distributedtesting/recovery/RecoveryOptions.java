package org.distributedtesting.recovery;

import java.time.Duration;
import java.util.Objects;

/**
 * The engine's policy: the seed's four recovery options plus the guards' tuning. Every value has a safe default
 * (the constants below, with the reason for each number).
 *
 * <p>Immutable and thread-safe. Build with {@link #builder()}; {@link Builder#build()} validates and copies.
 *
 * @param autoRestart          whether processes may be started or restarted at all (seed: {@code auto_restart})
 * @param backupBeforeRecovery whether destructive steps move data aside first (seed: {@code backup_before_recovery})
 * @param maxRestartAttempts   recovery attempts allowed per node within {@code restartCooldown}, then escalate
 *                             (seed: {@code max_restart_attempts})
 * @param restartCooldown      the window {@code maxRestartAttempts} is counted in: a node's attempt count and its
 *                             backoff start over only once it has stayed healthy this long, so a crash loop is
 *                             escalated instead of restarted forever (seed: {@code restart_cooldown})
 * @param confirmations        consecutive cycles a failure must be seen before acting
 * @param probeTimeout         deadline of one probe
 * @param historySize          earlier snapshots kept for detectors
 * @param nodeCooldown         quiet time after a verified recovery before the same node is touched again
 * @param backoffInitial       delay before the second attempt on a node; doubles per further attempt
 * @param backoffMax           the backoff's ceiling
 * @param verifyTimeout        how long a rung has to be verified before it counts as failed
 * @param verifyInterval       the cycle interval while a recovery awaits verification
 * @param actionBudget         actions allowed across the whole cluster within {@code actionBudgetWindow}
 * @param actionBudgetWindow   the window of the global action budget
 * @param quarantineRetryAfter a circuit breaker's half-open delay: this long after a node was quarantined, one more
 *                             attempt is allowed (zero: never, only an operator or a healthy node releases it)
 * @param maintenanceTimeout   how long a node's maintenance command (a repair of a stopped node's data) may run
 *                             before it is killed and the action fails
 * @param dryRun               plan and journal, do nothing
 */
public record RecoveryOptions(boolean autoRestart, boolean backupBeforeRecovery, int maxRestartAttempts,
                              Duration restartCooldown, int confirmations, Duration probeTimeout, int historySize,
                              Duration nodeCooldown, Duration backoffInitial, Duration backoffMax,
                              Duration verifyTimeout, Duration verifyInterval,
                              int actionBudget, Duration actionBudgetWindow, Duration quarantineRetryAfter,
                              Duration maintenanceTimeout, boolean dryRun) {

    /** Seed default. */
    public static final int DEFAULT_MAX_RESTART_ATTEMPTS = 5;
    /** Seed default: 60 s. */
    public static final Duration DEFAULT_RESTART_COOLDOWN = Duration.ofSeconds(60);
    /** Kubernetes' probe {@code failureThreshold} default: 3 consecutive failures before acting. */
    public static final int DEFAULT_CONFIRMATIONS = 3;
    /**
     * 2 s: twice Kubernetes' probe timeout (1 s) and twice etcd's default election timeout (1 s), so a node that
     * is merely in an election still answers in time.
     */
    public static final Duration DEFAULT_PROBE_TIMEOUT = Duration.ofSeconds(2);
    /** 60 cycles: a minute of history at a 1 s interval, half an hour at 30 s; enough for trends. */
    public static final int DEFAULT_HISTORY_SIZE = 60;
    /** 30 s: a recovered node gets a few cycles to settle before it is judged again. */
    public static final Duration DEFAULT_NODE_COOLDOWN = Duration.ofSeconds(30);
    /** Kubernetes' CrashLoopBackOff starts at 10 s ... */
    public static final Duration DEFAULT_BACKOFF_INITIAL = Duration.ofSeconds(10);
    /** ... and is capped at 5 minutes. */
    public static final Duration DEFAULT_BACKOFF_MAX = Duration.ofMinutes(5);
    /** 60 s: a restarted coordinator replays its log and catches up well within a minute. */
    public static final Duration DEFAULT_VERIFY_TIMEOUT = Duration.ofSeconds(60);
    /** 1 s: re-probe often while a recovery awaits verification. */
    public static final Duration DEFAULT_VERIFY_INTERVAL = Duration.ofSeconds(1);
    /** 30 actions in 10 minutes across the cluster: far above any single recovery, low enough to stop a storm. */
    public static final int DEFAULT_ACTION_BUDGET = 30;
    /** See {@link #DEFAULT_ACTION_BUDGET}. */
    public static final Duration DEFAULT_ACTION_BUDGET_WINDOW = Duration.ofMinutes(10);
    /** 10 minutes: a quarantined node gets one more try per ten minutes, like a circuit breaker half-opening. */
    public static final Duration DEFAULT_QUARANTINE_RETRY_AFTER = Duration.ofMinutes(10);
    /**
     * 2 minutes: a repair copies at most one database from a healthy replica and renames directories; a copy of a
     * coordinator's database (tens to hundreds of MiB) takes seconds on a LAN, so a tool still running after two
     * minutes is stuck, and the engine, which waits for it, should move on.
     */
    public static final Duration DEFAULT_MAINTENANCE_TIMEOUT = Duration.ofMinutes(2);

    /**
     * @throws NullPointerException if a duration is null
     * @throws IllegalArgumentException if a count or duration is out of range
     */
    public RecoveryOptions {
        positive("maxRestartAttempts", maxRestartAttempts);
        positive("confirmations", confirmations);
        positive("historySize", historySize);
        positive("actionBudget", actionBudget);
        positive("restartCooldown", restartCooldown);
        positive("probeTimeout", probeTimeout);
        notNegative("nodeCooldown", nodeCooldown);
        notNegative("backoffInitial", backoffInitial);
        notNegative("backoffMax", backoffMax);
        positive("verifyTimeout", verifyTimeout);
        positive("verifyInterval", verifyInterval);
        positive("actionBudgetWindow", actionBudgetWindow);
        notNegative("quarantineRetryAfter", quarantineRetryAfter);
        positive("maintenanceTimeout", maintenanceTimeout);
        if (backoffMax.compareTo(backoffInitial) < 0) {
            throw new IllegalArgumentException("backoffMax must be >= backoffInitial (" + backoffInitial
                    + "), but was " + backoffMax);
        }
    }

    private static void positive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be > 0, but was " + value);
        }
    }

    private static void positive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(name + " must be > 0, but was " + value);
        }
    }

    private static void notNegative(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must be >= 0, but was " + value);
        }
    }

    /** The defaults. */
    public static RecoveryOptions defaults() {
        return builder().build();
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.autoRestart = autoRestart;
        b.backupBeforeRecovery = backupBeforeRecovery;
        b.maxRestartAttempts = maxRestartAttempts;
        b.restartCooldown = restartCooldown;
        b.confirmations = confirmations;
        b.probeTimeout = probeTimeout;
        b.historySize = historySize;
        b.nodeCooldown = nodeCooldown;
        b.backoffInitial = backoffInitial;
        b.backoffMax = backoffMax;
        b.verifyTimeout = verifyTimeout;
        b.verifyInterval = verifyInterval;
        b.actionBudget = actionBudget;
        b.actionBudgetWindow = actionBudgetWindow;
        b.quarantineRetryAfter = quarantineRetryAfter;
        b.maintenanceTimeout = maintenanceTimeout;
        b.dryRun = dryRun;
        return b;
    }

    /** The delay before attempt {@code attempt} (1-based) on one node: 0, then initial, doubling, capped. */
    public Duration backoffBefore(int attempt) {
        if (attempt <= 1) {
            return Duration.ZERO;
        }
        Duration delay = backoffInitial;
        for (int i = 2; i < attempt && delay.compareTo(backoffMax) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(backoffMax) > 0 ? backoffMax : delay;
    }

    /** Builds {@link RecoveryOptions}. Not thread-safe; {@link #build()} copies, so it can be reused. */
    public static final class Builder {
        private boolean autoRestart = true;
        private boolean backupBeforeRecovery = true;
        private int maxRestartAttempts = DEFAULT_MAX_RESTART_ATTEMPTS;
        private Duration restartCooldown = DEFAULT_RESTART_COOLDOWN;
        private int confirmations = DEFAULT_CONFIRMATIONS;
        private Duration probeTimeout = DEFAULT_PROBE_TIMEOUT;
        private int historySize = DEFAULT_HISTORY_SIZE;
        private Duration nodeCooldown = DEFAULT_NODE_COOLDOWN;
        private Duration backoffInitial = DEFAULT_BACKOFF_INITIAL;
        private Duration backoffMax = DEFAULT_BACKOFF_MAX;
        private Duration verifyTimeout = DEFAULT_VERIFY_TIMEOUT;
        private Duration verifyInterval = DEFAULT_VERIFY_INTERVAL;
        private int actionBudget = DEFAULT_ACTION_BUDGET;
        private Duration actionBudgetWindow = DEFAULT_ACTION_BUDGET_WINDOW;
        private Duration quarantineRetryAfter = DEFAULT_QUARANTINE_RETRY_AFTER;
        private Duration maintenanceTimeout = DEFAULT_MAINTENANCE_TIMEOUT;
        private boolean dryRun;

        private Builder() {
        }

        /** See {@link RecoveryOptions#autoRestart()}. */
        public Builder autoRestart(boolean value) {
            autoRestart = value;
            return this;
        }

        /** See {@link RecoveryOptions#backupBeforeRecovery()}. */
        public Builder backupBeforeRecovery(boolean value) {
            backupBeforeRecovery = value;
            return this;
        }

        /** See {@link RecoveryOptions#maxRestartAttempts()}. */
        public Builder maxRestartAttempts(int value) {
            maxRestartAttempts = value;
            return this;
        }

        /** See {@link RecoveryOptions#restartCooldown()}. */
        public Builder restartCooldown(Duration value) {
            restartCooldown = value;
            return this;
        }

        /** See {@link RecoveryOptions#confirmations()}. */
        public Builder confirmations(int value) {
            confirmations = value;
            return this;
        }

        /** See {@link RecoveryOptions#probeTimeout()}. */
        public Builder probeTimeout(Duration value) {
            probeTimeout = value;
            return this;
        }

        /** See {@link RecoveryOptions#historySize()}. */
        public Builder historySize(int value) {
            historySize = value;
            return this;
        }

        /** See {@link RecoveryOptions#nodeCooldown()}. */
        public Builder nodeCooldown(Duration value) {
            nodeCooldown = value;
            return this;
        }

        /** See {@link RecoveryOptions#backoffInitial()}. */
        public Builder backoffInitial(Duration value) {
            backoffInitial = value;
            return this;
        }

        /** See {@link RecoveryOptions#backoffMax()}. */
        public Builder backoffMax(Duration value) {
            backoffMax = value;
            return this;
        }

        /** See {@link RecoveryOptions#verifyTimeout()}. */
        public Builder verifyTimeout(Duration value) {
            verifyTimeout = value;
            return this;
        }

        /** See {@link RecoveryOptions#verifyInterval()}. */
        public Builder verifyInterval(Duration value) {
            verifyInterval = value;
            return this;
        }

        /** See {@link RecoveryOptions#actionBudget()}. */
        public Builder actionBudget(int value) {
            actionBudget = value;
            return this;
        }

        /** See {@link RecoveryOptions#actionBudgetWindow()}. */
        public Builder actionBudgetWindow(Duration value) {
            actionBudgetWindow = value;
            return this;
        }

        /** See {@link RecoveryOptions#quarantineRetryAfter()}. */
        public Builder quarantineRetryAfter(Duration value) {
            quarantineRetryAfter = value;
            return this;
        }

        /** See {@link RecoveryOptions#maintenanceTimeout()}. */
        public Builder maintenanceTimeout(Duration value) {
            maintenanceTimeout = value;
            return this;
        }

        /** See {@link RecoveryOptions#dryRun()}. */
        public Builder dryRun(boolean value) {
            dryRun = value;
            return this;
        }

        /**
         * Validated options.
         *
         * @throws IllegalArgumentException naming the first value out of range
         */
        public RecoveryOptions build() {
            return new RecoveryOptions(autoRestart, backupBeforeRecovery, maxRestartAttempts, restartCooldown,
                    confirmations, probeTimeout, historySize, nodeCooldown, backoffInitial, backoffMax,
                    verifyTimeout, verifyInterval, actionBudget, actionBudgetWindow, quarantineRetryAfter,
                    maintenanceTimeout, dryRun);
        }
    }
}
