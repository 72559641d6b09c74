package org.distributedtesting.recovery.examples.ratis;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.distributedtesting.recovery.examples.ratis.Command.AssignTask;
import org.distributedtesting.recovery.examples.ratis.Command.CompleteTask;
import org.distributedtesting.recovery.examples.ratis.Command.RegisterWorker;
import org.distributedtesting.recovery.examples.ratis.Command.SubmitTask;
import org.distributedtesting.recovery.examples.ratis.StateHash.Row;

/**
 * The coordinator's registry in one SQLite file: tables {@code tasks} and {@code workers}, and the row
 * {@code applied} that says which log entry the tables reflect and what their {@link StateHash} is. Every apply is
 * one SQLite transaction that changes the rows and the {@code applied} row together, so the file is always
 * consistent with the index it claims, after a crash too (rollback journal, {@code synchronous=FULL}).
 *
 * <p>Not thread-safe: the state machine serialises every use behind its lock.
 */
final class TaskDatabase implements AutoCloseable {

    static final String PENDING = "PENDING";
    static final String ASSIGNED = "ASSIGNED";
    static final String COMPLETED = "COMPLETED";

    private static final String[] SCHEMA = {
        "CREATE TABLE IF NOT EXISTS tasks (id TEXT PRIMARY KEY, payload TEXT NOT NULL, state TEXT NOT NULL,"
                + " worker TEXT, outcome TEXT, submitted_at INTEGER NOT NULL, updated_at INTEGER NOT NULL)",
        "CREATE INDEX IF NOT EXISTS tasks_by_state ON tasks (state, submitted_at, id)",
        "CREATE TABLE IF NOT EXISTS workers (id TEXT PRIMARY KEY, task TEXT, completed INTEGER NOT NULL,"
                + " registered_at INTEGER NOT NULL)",
        "CREATE TABLE IF NOT EXISTS applied (singleton INTEGER PRIMARY KEY CHECK (singleton = 1),"
                + " term INTEGER NOT NULL, log_index INTEGER NOT NULL, checksum TEXT NOT NULL)"
    };
    private static final String TASK_COLUMNS = "id, payload, state, worker, outcome, submitted_at, updated_at";
    private static final String WORKER_COLUMNS = "id, task, completed, registered_at";

    private final Path file;
    private final Connection connection;
    private AppliedState applied;

    private TaskDatabase(Path file, Connection connection, AppliedState applied) {
        this.file = file;
        this.connection = connection;
        this.applied = applied;
    }

    /** Opens the database at {@code file}, creating it and its tables when absent. */
    static TaskDatabase open(Path file) throws SQLException {
        Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
        try (Statement s = connection.createStatement()) {
            s.execute("PRAGMA journal_mode=DELETE");
            s.execute("PRAGMA synchronous=FULL");
            s.execute("PRAGMA busy_timeout=10000");
            for (String ddl : SCHEMA) {
                s.execute(ddl);
            }
            return new TaskDatabase(file, connection, readApplied(connection));
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /** Which entry the tables reflect. */
    AppliedState applied() {
        return applied;
    }

    Path file() {
        return file;
    }

    /**
     * Applies a command as log entry {@code (term, index)}, in one transaction with the {@code applied} row.
     *
     * @return the reply for the client, such as {@code submitted t-1} or {@code rejected: unknown worker w-9}
     * @throws SQLException if the database failed; nothing was changed then
     */
    String apply(Command command, long term, long index) throws SQLException {
        return apply(command, term, index, UnaryOperator.identity());
    }

    /**
     * As {@link #apply(Command, long, long)}, with a task's payload passed through {@code storedPayload} before it
     * is inserted: the fault hook that makes this replica store a wrong result ({@link FaultHooks#payloadToStore}).
     * The checksum covers the row as stored, so a changed payload changes it.
     *
     * @throws SQLException if the database failed; nothing was changed then
     */
    String apply(Command command, long term, long index, UnaryOperator<String> storedPayload) throws SQLException {
        connection.setAutoCommit(false);
        try {
            StateHash[] hash = {applied.hash()};
            String reply;
            if (command instanceof SubmitTask c) {
                reply = submit(c, storedPayload, index, hash);
            } else if (command instanceof RegisterWorker c) {
                reply = register(c, index, hash);
            } else if (command instanceof AssignTask c) {
                reply = assign(c, index, hash);
            } else {
                reply = complete((CompleteTask) command, index, hash);
            }
            AppliedState next = new AppliedState(term, index, hash[0]);
            writeApplied(next);
            connection.commit();
            applied = next;
            return reply;
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    /** Records that entry {@code (term, index)}, which changes no table (configuration, no-op), was applied. */
    void advance(long term, long index) throws SQLException {
        AppliedState next = new AppliedState(term, index, applied.hash());
        writeApplied(next);
        applied = next;
    }

    /**
     * Writes a consistent, compacted copy of the database to {@code target} ({@code VACUUM INTO}), which must not
     * exist.
     *
     * @return the state the copy holds
     */
    AppliedState copyTo(Path target) throws SQLException {
        try (PreparedStatement vacuum = connection.prepareStatement("VACUUM INTO ?")) {
            vacuum.setString(1, target.toString());
            vacuum.execute();
        }
        return applied;
    }

    /** Asks SQLite to give back the memory its caches hold. */
    void shrinkMemory() throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("PRAGMA shrink_memory");
        }
    }

    /** Tasks per state, and the worker count. */
    Map<String, Long> counts() throws SQLException {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String state : new String[] {PENDING, ASSIGNED, COMPLETED}) {
            counts.put(state.toLowerCase(java.util.Locale.ROOT), count("SELECT count(*) FROM tasks WHERE state = ?",
                    state));
        }
        counts.put("workers", count("SELECT count(*) FROM workers", null));
        return counts;
    }

    private String submit(SubmitTask c, UnaryOperator<String> storedPayload, long index, StateHash[] hash)
            throws SQLException {
        if (task(c.taskId()) != null) {
            return "duplicate " + c.taskId();
        }
        Task task = new Task(c.taskId(), storedPayload.apply(c.payload()), PENDING, null, null, index, index);
        update("INSERT INTO tasks (" + TASK_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)", task.values());
        hash[0] = hash[0].plus(task.row());
        return "submitted " + c.taskId();
    }

    private String register(RegisterWorker c, long index, StateHash[] hash) throws SQLException {
        if (worker(c.workerId()) != null) {
            return "registered already " + c.workerId();
        }
        Worker worker = new Worker(c.workerId(), null, 0L, index);
        update("INSERT INTO workers (" + WORKER_COLUMNS + ") VALUES (?, ?, ?, ?)", worker.values());
        hash[0] = hash[0].plus(worker.row());
        return "registered " + c.workerId();
    }

    private String assign(AssignTask c, long index, StateHash[] hash) throws SQLException {
        Worker worker = worker(c.workerId());
        if (worker == null) {
            return "rejected: unknown worker " + c.workerId();
        }
        if (worker.task() != null) {
            return "rejected: worker " + c.workerId() + " runs " + worker.task();
        }
        Task task = firstTask("SELECT " + TASK_COLUMNS + " FROM tasks WHERE state = ? ORDER BY submitted_at, id"
                + " LIMIT 1", PENDING);
        if (task == null) {
            return "no pending task";
        }
        Task assigned = new Task(task.id(), task.payload(), ASSIGNED, worker.id(), null, task.submittedAt(), index);
        Worker busy = new Worker(worker.id(), task.id(), worker.completed(), worker.registeredAt());
        replace(task, assigned, worker, busy, hash);
        return "assigned " + task.id();
    }

    private String complete(CompleteTask c, long index, StateHash[] hash) throws SQLException {
        Task task = task(c.taskId());
        if (task == null || !ASSIGNED.equals(task.state()) || !c.workerId().equals(task.worker())) {
            return "rejected: task " + c.taskId() + " is not assigned to " + c.workerId();
        }
        Worker worker = worker(c.workerId());
        Task done = new Task(task.id(), task.payload(), COMPLETED, task.worker(), c.outcome(), task.submittedAt(),
                index);
        Worker idle = new Worker(worker.id(), null, worker.completed() + 1, worker.registeredAt());
        replace(task, done, worker, idle, hash);
        return "completed " + c.taskId();
    }

    private void replace(Task oldTask, Task newTask, Worker oldWorker, Worker newWorker, StateHash[] hash)
            throws SQLException {
        update("UPDATE tasks SET state = ?, worker = ?, outcome = ?, updated_at = ? WHERE id = ?",
                newTask.state(), newTask.worker(), newTask.outcome(), newTask.updatedAt(), newTask.id());
        update("UPDATE workers SET task = ?, completed = ? WHERE id = ?", newWorker.task(), newWorker.completed(),
                newWorker.id());
        hash[0] = hash[0].minus(oldTask.row()).plus(newTask.row()).minus(oldWorker.row()).plus(newWorker.row());
    }

    private Task task(String id) throws SQLException {
        return firstTask("SELECT " + TASK_COLUMNS + " FROM tasks WHERE id = ?", id);
    }

    private Task firstTask(String sql, String parameter) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(sql)) {
            query.setString(1, parameter);
            try (ResultSet rs = query.executeQuery()) {
                return rs.next() ? Task.read(rs) : null;
            }
        }
    }

    private Worker worker(String id) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT " + WORKER_COLUMNS + " FROM workers WHERE id = ?")) {
            query.setString(1, id);
            try (ResultSet rs = query.executeQuery()) {
                return rs.next() ? Worker.read(rs) : null;
            }
        }
    }

    private long count(String sql, String parameter) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(sql)) {
            if (parameter != null) {
                query.setString(1, parameter);
            }
            try (ResultSet rs = query.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private void update(String sql, Object... values) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                statement.setObject(i + 1, values[i]);
            }
            statement.executeUpdate();
        }
    }

    private void writeApplied(AppliedState state) throws SQLException {
        update("INSERT INTO applied (singleton, term, log_index, checksum) VALUES (1, ?, ?, ?)"
                        + " ON CONFLICT (singleton) DO UPDATE SET term = excluded.term,"
                        + " log_index = excluded.log_index, checksum = excluded.checksum",
                state.term(), state.index(), state.hash().value());
    }

    /** Reads the {@code applied} row; a database without one has applied nothing. */
    static AppliedState readApplied(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT term, log_index, checksum FROM applied WHERE singleton = 1")) {
            if (!rs.next()) {
                return AppliedState.NONE;
            }
            return new AppliedState(rs.getLong(1), rs.getLong(2), StateHash.parse(rs.getString(3)));
        }
    }

    /** Recomputes the checksum from every row, as {@link StateHash} defines it. */
    static StateHash recompute(Connection connection) throws SQLException {
        StateHash hash = StateHash.EMPTY;
        try (Statement s = connection.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT " + TASK_COLUMNS + " FROM tasks")) {
                while (rs.next()) {
                    hash = hash.plus(Task.read(rs).row());
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT " + WORKER_COLUMNS + " FROM workers")) {
                while (rs.next()) {
                    hash = hash.plus(Worker.read(rs).row());
                }
            }
        }
        return hash;
    }

    /** Whether {@code file} holds a database this class could open; a missing file is not one. */
    static boolean exists(Path file) {
        return Files.isRegularFile(file);
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }

    private record Task(String id, String payload, String state, String worker, String outcome, Long submittedAt,
                        Long updatedAt) {
        static Task read(ResultSet rs) throws SQLException {
            return new Task(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                    rs.getLong(6), rs.getLong(7));
        }

        Object[] values() {
            return new Object[] {id, payload, state, worker, outcome, submittedAt, updatedAt};
        }

        Row row() {
            return new Row("tasks", values());
        }
    }

    private record Worker(String id, String task, Long completed, Long registeredAt) {
        static Worker read(ResultSet rs) throws SQLException {
            return new Worker(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4));
        }

        Object[] values() {
            return new Object[] {id, task, completed, registeredAt};
        }

        Row row() {
            return new Row("workers", values());
        }
    }
}
