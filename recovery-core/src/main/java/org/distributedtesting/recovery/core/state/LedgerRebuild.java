package org.distributedtesting.recovery.core.state;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.JournalRecord;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.RecoveryOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the engine's memory of the nodes from the journal when an engine starts, so that a restart of the engine
 * (a daemon that crashed, or that systemd restarted) does not give a crash-looping node a fresh attempt budget, lift
 * its quarantine or empty the action budget. The journal holds every decision, so the rebuild replays the records
 * that matter to the ledger, in order, with the same steps the live engine took:
 *
 * <ul>
 *   <li>attempts per node and failure type, from the rungs that acted or failed ({@code attempt} in the record is
 *       what the live engine counted), and from actions carried out whose rung record never came (the engine died
 *       in the middle of the rung); when the last one was made, so the backoff goes on; why the last one failed;
 *       which rung it ran, so a failure that comes back resumes its ladder after that rung as it would have;</li>
 *   <li>quarantine: {@code node_quarantined} at its own time, so {@code quarantine_retry_after} counts from then;
 *       {@code node_half_open} and {@code node_released} as the live engine applied them;</li>
 *   <li>the global action budget: the actions carried out within {@code action_budget_window} of now, and when the
 *       spent budget was last alerted.</li>
 * </ul>
 *
 * <p>Time comes from the records' timestamps against the engine's clock. A node's attempts start over once it has
 * been healthy for a whole {@code restart_cooldown}: healthy once every failure naming it was verified or cleared, or
 * once a failure has shown no sign (no record, no pending backoff, deferral or verification) for a whole
 * {@code restart_cooldown}, as while the engine was not running: a restart two hours later does not count attempts
 * that would have expired. A quarantined node stays quarantined; it needs a fresh healthy window, seen by the new
 * engine, to be released. What is not restored: the recoveries in progress (a failure is confirmed afresh, and its
 * ladder starts after the rung of its type's last counted attempt on its nodes, or at the first rung when none
 * counts) and {@code node_cooldown}.
 *
 * <p>Records in the previous version's spelling ({@code node}, {@code nodes}, {@code failure}; see
 * {@link org.distributedtesting.recovery.core.journal.PreviousRecordShape}) are read too, so a daemon upgraded in
 * place keeps its quarantines. A record the rebuild cannot read (a field missing or of the wrong type: an edited
 * journal) is skipped with a warning naming its line; the rebuild never fails. Records of nodes no longer in the
 * cluster, or of failure types no strategy handles, are of no use and are passed over.
 *
 * <p>Not thread-safe; run once, before the engine's first cycle.
 */
public final class LedgerRebuild {

    private static final Logger LOG = LoggerFactory.getLogger(LedgerRebuild.class);

    /** Unreadable records named one by one in the log; past that, only counted. */
    static final int MAX_WARNINGS = 10;

    /**
     * What the rebuild did.
     *
     * @param read       the records read
     * @param unreadable each record that could not be read, as {@code line N ('action' at time): why}
     * @param summary    one line saying what was restored
     */
    public record Result(int read, List<String> unreadable, String summary) {
        /** Copies the list. */
        public Result {
            unreadable = List.copyOf(unreadable);
        }
    }

    /** A failure with no end in the journal so far: its nodes and its last sign. */
    private static final class Open {
        final List<NodeId> nodes;
        Instant lastSign;

        Open(List<NodeId> nodes, Instant lastSign) {
            this.nodes = nodes;
            this.lastSign = lastSign;
        }
    }

    private final EngineState state;
    private final RecoveryOptions options;
    private final Map<String, FailureType> types = new LinkedHashMap<>();
    private final Instant now;
    private final Map<String, Open> open = new LinkedHashMap<>();
    // actions carried out whose rung record has not come (yet): the first of each failure's rung
    private final Map<String, LedgerEntry.Acted> pending = new LinkedHashMap<>();
    private final List<String> unreadable = new ArrayList<>();
    private int future;

    private LedgerRebuild(EngineState state, Collection<FailureType> types) {
        this.state = state;
        this.options = state.options();
        types.forEach(t -> this.types.put(t.name(), t));
        this.now = state.clock().instant();
    }

    /**
     * Replays {@code records}, oldest first, into {@code state}, with the state's clock for now, and logs at INFO
     * one line saying what was restored.
     *
     * @param types the failure types the engine's strategies handle
     * @throws NullPointerException if an argument is null
     */
    public static Result restore(List<JournalRecord> records, EngineState state, Collection<FailureType> types) {
        Objects.requireNonNull(records, "records");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(types, "types");
        LedgerRebuild rebuild = new LedgerRebuild(state, types);
        for (int i = 0; i < records.size(); i++) {
            rebuild.replay(records.get(i), i + 1);
        }
        rebuild.finish();
        if (rebuild.unreadable.size() > MAX_WARNINGS) {
            LOG.warn("{} more journal records are not restored (unreadable, as above)",
                    rebuild.unreadable.size() - MAX_WARNINGS);
        }
        Result result = new Result(records.size(), rebuild.unreadable, rebuild.summary(records.size()));
        if (records.isEmpty()) {
            LOG.debug("the journal is empty: nothing to restore");
        } else {
            LOG.info("{}", result.summary());
        }
        return result;
    }

    /**
     * Whether the ledger needs {@code record}: a record about a failure going on or ended, a rung, an action, a
     * quarantine's step, a budget alert. Several engines on one cluster share exactly these.
     */
    public static boolean matters(JournalRecord record) {
        try {
            return LedgerEntry.read(record).isPresent();
        } catch (IllegalArgumentException e) {
            return false; // a record the rebuild cannot read would only be skipped by it
        }
    }

    private void replay(JournalRecord record, int line) {
        Optional<LedgerEntry> read;
        try {
            read = LedgerEntry.read(record);
        } catch (IllegalArgumentException e) {
            String why = "line " + line + " ('" + record.action() + "' at " + record.timestamp() + "): "
                    + e.getMessage();
            unreadable.add(why);
            if (unreadable.size() <= MAX_WARNINGS) {
                LOG.warn("journal {}; not restored", why);
            }
            return;
        }
        if (read.isEmpty()) {
            return;
        }
        LedgerEntry entry = read.get();
        Instant at = entry.at();
        if (at.isAfter(now)) {
            future++; // the clock went back since: the record counts as made now, not later
            at = now;
        }
        if (entry instanceof LedgerEntry.Acted acted) {
            actionTaken(acted, at);
            return;
        }
        flushPending(entry);
        expireStale(at);
        apply(entry, at);
    }

    private void apply(LedgerEntry entry, Instant at) {
        if (entry instanceof LedgerEntry.Seen seen) {
            sign(seen.failureId(), seen.nodes(), seen.until().filter(at::isBefore).orElse(at));
        } else if (entry instanceof LedgerEntry.Rung rung) {
            rung(rung, at);
        } else if (entry instanceof LedgerEntry.RungFailed failed) {
            sign(failed.failureId(), failed.nodes(), at);
            FailureType type = types.get(failed.type());
            if (type != null) {
                known(failed.nodes()).forEach(n -> state.ledger(n).failed(type, failed.why()));
            }
        } else if (entry instanceof LedgerEntry.Ended ended) {
            end(ended.failureId(), at);
        } else if (entry instanceof LedgerEntry.BudgetAlerted alerted) {
            sign(alerted.failureId(), alerted.nodes(), at);
            state.budgetAlerted(at);
        } else if (entry instanceof LedgerEntry.Quarantined quarantined) {
            node(quarantined.node()).ifPresent(ledger -> {
                ledger.quarantine(at);
                resign(quarantined.node(), at);
            });
        } else if (entry instanceof LedgerEntry.HalfOpen halfOpen) {
            node(halfOpen.node()).ifPresent(ledger -> {
                ledger.halfOpen(options.maxRestartAttempts());
                resign(halfOpen.node(), at); // back to its failure, with one attempt
            });
        } else if (entry instanceof LedgerEntry.Released released) {
            node(released.node()).ifPresent(ledger -> {
                ledger.release();
                ledger.resetAttempts();
            });
        }
    }

    private void rung(LedgerEntry.Rung rung, Instant at) {
        FailureType type = types.get(rung.type());
        List<NodeId> nodes = known(rung.nodes());
        Instant horizon = at;
        if (type != null) {
            switch (rung.outcome()) {
                case "acted" -> {
                    if (!rung.dryRun()) { // a dry run's rung is only planned: the live engine counts nothing
                        attempted(nodes, type, rung.rung(), rung.attempt(), at);
                        horizon = at.plus(options.verifyTimeout());
                    }
                }
                case "failed" -> {
                    int count = attempted(nodes, type, rung.rung(), rung.attempt(), at);
                    horizon = at.plus(options.backoffBefore(count + 1));
                }
                case "deferred" -> {
                    Instant retry = at.plus(max(options.backoffInitial(), options.verifyInterval()));
                    nodes.forEach(n -> state.ledger(n).defer(retry));
                    horizon = retry;
                }
                default -> {
                    // skipped: no attempt; a ladder left with no rung escalates in a record of its own
                }
            }
        }
        sign(rung.failureId(), rung.nodes(), horizon);
    }

    /** An action of a rung; carried out, it counts against the global budget and, until its rung ends, waits. */
    private void actionTaken(LedgerEntry.Acted acted, Instant at) {
        if (!acted.carriedOut()) {
            return;
        }
        if (!at.isBefore(now.minus(options.actionBudgetWindow()))) {
            state.countAction(at);
        }
        pending.putIfAbsent(acted.failureId(), new LedgerEntry.Acted(at, acted.failureId(), acted.type(),
                acted.nodes(), acted.rung(), acted.attempt(), true));
    }

    /**
     * A rung's actions come before its record, and nothing else comes between them: any other record ends the
     * rung. Its own record counts the attempt; without one, the engine died in the middle of the rung after it had
     * changed something, which the live engine would have counted as an attempt.
     */
    private void flushPending(LedgerEntry next) {
        for (LedgerEntry.Acted acted : pending.values()) {
            if (next instanceof LedgerEntry.Rung rung && rung.failureId().equals(acted.failureId())) {
                continue;
            }
            expireStale(acted.at());
            FailureType type = types.get(acted.type());
            if (type != null) {
                attempted(known(acted.nodes()), type, acted.rung(), acted.attempt(), acted.at());
            }
            sign(acted.failureId(), acted.nodes(), acted.at().plus(options.verifyTimeout()));
        }
        pending.clear();
    }

    /**
     * One attempt on the nodes that ran {@code rung}, as the live engine counted it. The record's attempt number is
     * what the live engine had counted before, plus one: when it is more than this replay has, the engine saw
     * attempts the replay took for expired, and its count wins.
     *
     * @return the most attempts any of the nodes has made now
     */
    private int attempted(List<NodeId> nodes, FailureType type, String rung, int number, Instant at) {
        int replayed = nodes.stream().mapToInt(n -> state.ledger(n).attempts(type)).max().orElse(0) + 1;
        int most = 0;
        for (NodeId node : nodes) {
            NodeLedger ledger = state.ledger(node);
            ledger.attempted(type, rung, at);
            if (number > replayed) {
                ledger.countAtLeast(type, number);
            }
            most = Math.max(most, ledger.attempts(type));
        }
        return most;
    }

    /** A record shows the failure going on until {@code horizon} (a backoff, a deferral or a verification ends). */
    private void sign(String failureId, List<NodeId> nodes, Instant horizon) {
        List<NodeId> known = known(nodes);
        Open failure = open.computeIfAbsent(failureId, id -> new Open(known, horizon));
        if (horizon.isAfter(failure.lastSign)) {
            failure.lastSign = horizon;
        }
        known.forEach(n -> state.ledger(n).unhealthy());
    }

    /** The node's own step (quarantined, half-open) is a sign of every open failure naming it. */
    private void resign(NodeId node, Instant at) {
        for (Open failure : open.values()) {
            if (failure.nodes.contains(node) && at.isAfter(failure.lastSign)) {
                failure.lastSign = at;
            }
        }
    }

    /** The failure was verified or cleared at {@code at}: nodes with no other failure are healthy from then. */
    private void end(String failureId, Instant at) {
        Open failure = open.remove(failureId);
        if (failure == null) {
            return;
        }
        for (NodeId node : failure.nodes) {
            if (open.values().stream().noneMatch(o -> o.nodes.contains(node))) {
                state.ledger(node).healthy(at, options.restartCooldown());
            }
        }
    }

    /**
     * At {@code at}: a failure that has shown no sign for a whole {@code restart_cooldown} is taken as gone since its
     * last sign (the engine was not running, or it went away unjournaled), unless one of its nodes is quarantined:
     * a quarantined node's failure is journaled no more, and its quarantine holds it. Then every node no failure
     * names is healthy, and its attempts start over once it has been healthy for a whole window.
     */
    private void expireStale(Instant at) {
        Duration window = options.restartCooldown();
        List<Map.Entry<String, Open>> stale = new ArrayList<>();
        for (Map.Entry<String, Open> e : open.entrySet()) {
            if (!at.isBefore(e.getValue().lastSign.plus(window))
                    && e.getValue().nodes.stream().noneMatch(n -> state.ledger(n).quarantined())) {
                stale.add(e);
            }
        }
        stale.forEach(e -> end(e.getKey(), e.getValue().lastSign));
        for (Map.Entry<NodeId, NodeLedger> e : state.ledgers().entrySet()) {
            if (open.values().stream().noneMatch(o -> o.nodes.contains(e.getKey()))) {
                e.getValue().healthy(at, window);
            }
        }
    }

    /** The end of the journal, now: what is still pending counts, and windows are applied against now. */
    private void finish() {
        flushPending(null);
        expireStale(now);
        for (NodeLedger ledger : state.ledgers().values()) {
            if (ledger.quarantined()) {
                ledger.unhealthy(); // released only after a healthy window the new engine sees for itself
            }
        }
    }

    private String summary(int records) {
        List<String> parts = new ArrayList<>();
        for (Map.Entry<NodeId, NodeLedger> e : state.ledgers().entrySet()) {
            NodeLedger ledger = e.getValue();
            if (ledger.quarantined()) {
                Duration retry = options.quarantineRetryAfter();
                parts.add("'" + e.getKey() + "' quarantined since " + millis(ledger.quarantinedAt())
                        + (retry.isZero() ? " (until it is released or healthy for "
                        + options.restartCooldown().toSeconds() + " s)"
                        : " (half-open at " + millis(ledger.quarantinedAt().plus(retry)) + ")"));
            }
            for (FailureType type : types.values()) {
                int attempts = ledger.attempts(type);
                if (attempts > 0) {
                    Instant next = ledger.nextAttemptAllowed(type, options);
                    parts.add(attempts + (attempts == 1 ? " attempt" : " attempts") + " for " + type.name() + " on '"
                            + e.getKey() + "'" + (next != null && next.isAfter(now) ? " (next not before "
                            + millis(next) + ")" : ""));
                }
            }
        }
        int actions = state.actionsInWindow(now);
        if (actions > 0) {
            parts.add(actions + " of " + options.actionBudget() + " actions of the action budget spent in the last "
                    + options.actionBudgetWindow().toSeconds() + " s");
        }
        StringBuilder line = new StringBuilder("restored from journal (" + records + " records): ")
                .append(parts.isEmpty() ? "nothing within the ledger's windows" : String.join(", ", parts));
        if (!unreadable.isEmpty()) {
            line.append("; ").append(unreadable.size()).append(unreadable.size() == 1
                    ? " record could not be read and was skipped" : " records could not be read and were skipped");
        }
        if (future > 0) {
            line.append("; ").append(future).append(future == 1 ? " record was" : " records were")
                    .append(" later than the clock, and taken as now");
        }
        return line.toString();
    }

    private Optional<NodeLedger> node(NodeId node) {
        return state.knows(node) ? Optional.of(state.ledger(node)) : Optional.empty();
    }

    private List<NodeId> known(List<NodeId> nodes) {
        return nodes.stream().filter(state::knows).toList();
    }

    private static Instant millis(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MILLIS);
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
