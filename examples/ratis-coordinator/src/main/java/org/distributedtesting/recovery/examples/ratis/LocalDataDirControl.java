package org.distributedtesting.recovery.examples.ratis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.SQLException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.Action.Artifact;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.IntegrityCheck;
import org.distributedtesting.recovery.NodeControl;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeSpec;

/**
 * The data actions on a <em>stopped</em> coordinator node, carried out on its data directory
 * ({@link NodeSpec#dataDir()}) by the process that runs the recovery daemon, on the same host as the node.
 *
 * <p>Why here and not in the node: the strategies repair data as stop, move aside, restore or reset, start. Between
 * the stop and the start the node's process, and with it its protocol server, is gone, so these steps cannot be
 * requests to the node. They are file operations on the directory the configuration names, guarded by the node's
 * own {@code node.lock}: an action on a directory whose node runs is refused, and a node cannot start while an
 * action holds the lock.
 * <ul>
 *   <li>{@code MoveAside(artifact)}: renames the database ({@code db/}), the log ({@code raft/}) or the snapshots
 *       ({@code snapshots/}) to {@code backups/<artifact>-<timestamp>}; nothing is deleted.</li>
 *   <li>{@code Restore(DATABASE, from)}: fetches a consistent copy of {@code from}'s database through a
 *       {@link DatabaseCopySource}, checks it (integrity and content checksum), moves the node's database and
 *       snapshots aside (the snapshots derive from the replaced database and would otherwise win at start), and
 *       puts the copy in place. The copy says which log index it holds; at start the node snapshots it there
 *       (setting aside local log segments the copy already covers) and catches up from the leader. Logs and
 *       snapshots are not restored from replicas.</li>
 *   <li>{@code Reset(LOG)}: leaves an empty Raft storage (whatever is still there is moved aside first); the node
 *       rejoins, and the leader sends the entries after the node's snapshot, or a snapshot. {@code Reset(DATABASE)}
 *       rebuilds the database at start from the newest snapshot and the log; without a snapshot the log is reset
 *       too, so that the leader supplies the whole state. {@code Reset(SNAPSHOTS)} is recreated from the database
 *       at start.</li>
 * </ul>
 * Every other action needs the running node and fails here: route them to the node's protocol
 * ({@link #routing(NodeControl)}).
 *
 * <p>Thread-safe: each action holds the node's lock while it runs.
 */
public final class LocalDataDirControl implements NodeControl {

    private final Map<NodeId, NodeSpec> nodes;
    private final DatabaseCopySource copies;
    private final Clock clock;

    /**
     * @param nodes  the cluster's nodes, with their data directories
     * @param copies where database copies come from
     * @param clock  for the backups' timestamps
     * @throws NullPointerException if any argument is null
     */
    public LocalDataDirControl(List<NodeSpec> nodes, DatabaseCopySource copies, Clock clock) {
        this.nodes = nodes.stream().collect(Collectors.toUnmodifiableMap(NodeSpec::id, Function.identity()));
        this.copies = Objects.requireNonNull(copies, "copies");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A control that sends the data actions here and every other action to {@code online}. */
    public NodeControl routing(NodeControl online) {
        Objects.requireNonNull(online, "online");
        return action -> action.kind().onData() ? execute(action) : online.execute(action);
    }

    @Override
    public ActionResult execute(Action action) throws IOException, InterruptedException {
        if (!action.kind().onData()) {
            return new ActionResult.Failed("'" + action.name() + "' needs the running node; this control only moves,"
                    + " restores and resets the data of stopped nodes");
        }
        NodeSpec spec = nodes.get(action.node());
        if (spec == null) {
            return new ActionResult.Failed("node '" + action.node() + "' is not in this cluster");
        }
        DataDir dir = new DataDir(spec.dataDir());
        Optional<NodeLock> lock = NodeLock.tryLock(dir);
        if (lock.isEmpty()) {
            return new ActionResult.Failed("refused: '" + action.node() + "' is running (its data directory "
                    + dir + " is locked); stop it first");
        }
        try (NodeLock held = lock.get()) {
            return switch (action.kind()) {
                case MOVE_ASIDE -> moveAside(dir, ((Action.MoveAside) action).artifact());
                case RESTORE -> restore(dir, (Action.Restore) action);
                case RESET -> reset(dir, ((Action.Reset) action).artifact());
                case CHECK_DATA -> check(dir);
                case START, STOP, RESTART, STEP_DOWN, PAUSE_ELECTIONS, RESUME_ELECTIONS, CANCEL_OPERATIONS,
                     CLEANUP_RESOURCES, TRIGGER_SYNC, DEMOTE, PROMOTE, RAISE_TERM, CUSTOM ->
                        new ActionResult.Failed("action '" + action.name() + "' is not on the node's data");
            };
        }
    }

    private ActionResult moveAside(DataDir dir, Artifact artifact) throws IOException {
        Optional<Path> moved = dir.moveAside(artifact, clock);
        return moved.<ActionResult>map(p -> new ActionResult.Done("moved the " + name(artifact) + " to "
                        + dir.root().relativize(p), Map.of("backup", p.toString())))
                .orElseGet(() -> ActionResult.Done.of("no " + name(artifact) + " to move aside"));
    }

    private ActionResult restore(DataDir dir, Action.Restore action) throws IOException, InterruptedException {
        if (action.artifact() != Artifact.DATABASE) {
            return new ActionResult.Failed("only the database is restored from a replica: a Raft log is each node's"
                    + " own (reset it and the leader refills it), and snapshots are rebuilt from the database");
        }
        NodeSpec source = nodes.get(action.from());
        if (source == null) {
            return new ActionResult.Failed("source '" + action.from() + "' is not in this cluster");
        }
        if (action.from().equals(action.node())) {
            return new ActionResult.Failed("a node cannot restore its database from itself");
        }
        Files.createDirectories(dir.tmpDir());
        Path incoming = dir.tmpDir().resolve("restore-from-" + source.id() + "-" + System.nanoTime() + ".db");
        try {
            try {
                copies.copy(source, incoming);
            } catch (IOException e) {
                return new ActionResult.Failed("no copy from '" + source.id() + "': " + e.getMessage());
            }
            IntegrityCheck check = DatabaseCheck.check(incoming);
            if (check.failed()) {
                return new ActionResult.Failed("the copy from '" + source.id() + "' fails its check: "
                        + check.detail());
            }
            AppliedState state = appliedOf(incoming);
            Map<String, Object> data = new LinkedHashMap<>();
            dir.moveAside(Artifact.DATABASE, clock).ifPresent(p -> data.put("database_backup", p.toString()));
            dir.moveAside(Artifact.SNAPSHOTS, clock).ifPresent(p -> data.put("snapshots_backup", p.toString()));
            Files.createDirectories(dir.databaseFile().getParent());
            Files.move(incoming, dir.databaseFile(), StandardCopyOption.ATOMIC_MOVE);
            data.put("index", state.index());
            data.put("checksum", state.hash().value());
            data.put("source", source.id().value());
            return new ActionResult.Done("restored the database from '" + source.id() + "' at index "
                    + state.index() + " (checksum " + state.hash().value() + ")", data);
        } finally {
            Files.deleteIfExists(incoming);
        }
    }

    /** The node's own startup checks of its database and Raft log, run on the stopped node's data. */
    private static ActionResult check(DataDir dir) {
        IntegrityCheck database = DatabaseCheck.check(dir.databaseFile());
        IntegrityCheck log = LogCheck.scan(dir.raftDir(), RatisConfig.MAX_ENTRY_SIZE, LogCheck.OFFLINE).verdict();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("log", verdict(log));
        data.put("database", verdict(database));
        return new ActionResult.Done("log " + word(log) + ", database " + word(database), data);
    }

    private static Map<String, Object> verdict(IntegrityCheck check) {
        return Map.of("status", word(check), "detail", check.detail());
    }

    private static String word(IntegrityCheck check) {
        return check.status().name().toLowerCase(java.util.Locale.ROOT);
    }

    private ActionResult reset(DataDir dir, Artifact artifact) throws IOException {
        Map<String, Object> data = new LinkedHashMap<>();
        String detail;
        if (artifact == Artifact.DATABASE) {
            boolean snapshot = hasSnapshot(dir);
            dir.moveAside(Artifact.DATABASE, clock).ifPresent(p -> data.put("database_backup", p.toString()));
            if (!snapshot) {
                dir.moveAside(Artifact.LOG, clock).ifPresent(p -> data.put("log_backup", p.toString()));
            }
            detail = snapshot ? "the database is rebuilt at start from the newest snapshot and the log"
                    : "no snapshot: the log was reset too, so the leader supplies the whole state";
        } else {
            dir.moveAside(artifact, clock).ifPresent(p -> data.put("backup", p.toString()));
            detail = artifact == Artifact.LOG
                    ? "the Raft storage is empty: the node rejoins and the leader sends what follows its database"
                    : "the snapshots are recreated from the database at start";
        }
        Files.createDirectories(dir.artifactPath(artifact));
        return new ActionResult.Done(detail, data);
    }

    private static boolean hasSnapshot(DataDir dir) throws IOException {
        SnapshotStore store = new SnapshotStore(dir);
        store.reload();
        return store.getLatestSnapshot() != null;
    }

    private static AppliedState appliedOf(Path database) throws IOException {
        try (TaskDatabase db = TaskDatabase.open(database)) {
            return db.applied();
        } catch (SQLException e) {
            throw new IOException("cannot read the copy " + database + ": " + e.getMessage(), e);
        }
    }

    private static String name(Artifact artifact) {
        return switch (artifact) {
            case DATABASE -> "database";
            case LOG -> "Raft log";
            case SNAPSHOTS -> "snapshots";
        };
    }
}
