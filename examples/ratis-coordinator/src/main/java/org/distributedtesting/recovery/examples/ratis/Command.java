package org.distributedtesting.recovery.examples.ratis;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * A write to the coordinator's registry, replicated through the Raft log and applied by every node in log order.
 * Applying a command depends only on the command, the database and the entry's index, never on a clock or on the
 * node, so every replica ends in the same state.
 *
 * <p>The wire form is a version byte, an opcode byte and the fields as modified UTF-8 strings; {@link #decode}
 * rejects anything else. Immutable and thread-safe.
 */
public sealed interface Command {

    /** The wire format's version. */
    int VERSION = 1;
    /** Opcode of {@link SubmitTask}. */
    int SUBMIT = 1;
    /** Opcode of {@link RegisterWorker}. */
    int REGISTER = 2;
    /** Opcode of {@link AssignTask}. */
    int ASSIGN = 3;
    /** Opcode of {@link CompleteTask}. */
    int COMPLETE = 4;

    /** The form a command takes in the log. */
    default byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            if (this instanceof SubmitTask c) {
                out.writeByte(SUBMIT);
                out.writeUTF(c.taskId());
                out.writeUTF(c.payload());
            } else if (this instanceof RegisterWorker c) {
                out.writeByte(REGISTER);
                out.writeUTF(c.workerId());
            } else if (this instanceof AssignTask c) {
                out.writeByte(ASSIGN);
                out.writeUTF(c.workerId());
            } else if (this instanceof CompleteTask c) {
                out.writeByte(COMPLETE);
                out.writeUTF(c.taskId());
                out.writeUTF(c.workerId());
                out.writeUTF(c.outcome());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory failed", e);
        }
        return bytes.toByteArray();
    }

    /**
     * Reads a command written by {@link #encode()}.
     *
     * @throws IllegalArgumentException if the bytes are not a command
     */
    static Command decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new IllegalArgumentException("command version must be " + VERSION + ", but was " + version);
            }
            int op = in.readUnsignedByte();
            Command command = switch (op) {
                case SUBMIT -> new SubmitTask(in.readUTF(), in.readUTF());
                case REGISTER -> new RegisterWorker(in.readUTF());
                case ASSIGN -> new AssignTask(in.readUTF());
                case COMPLETE -> new CompleteTask(in.readUTF(), in.readUTF(), in.readUTF());
                default -> throw new IllegalArgumentException("unknown command opcode " + op);
            };
            if (in.available() > 0) {
                throw new IllegalArgumentException(in.available() + " bytes after the command");
            }
            return command;
        } catch (IOException e) {
            throw new IllegalArgumentException("not a command: " + e.getMessage(), e);
        }
    }

    /**
     * Adds a pending test task; a task id seen before is a duplicate and changes nothing, so a client may retry.
     *
     * @param taskId  the task's id, chosen by the client; not blank
     * @param payload what to run
     */
    record SubmitTask(String taskId, String payload) implements Command {
        /** @throws IllegalArgumentException if {@code taskId} is blank */
        public SubmitTask {
            requireId("taskId", taskId);
            Objects.requireNonNull(payload, "payload");
        }
    }

    /**
     * Adds an idle worker.
     *
     * @param workerId the worker's id; not blank
     */
    record RegisterWorker(String workerId) implements Command {
        /** @throws IllegalArgumentException if {@code workerId} is blank */
        public RegisterWorker {
            requireId("workerId", workerId);
        }
    }

    /**
     * Gives the oldest pending task to an idle worker.
     *
     * @param workerId the worker; not blank
     */
    record AssignTask(String workerId) implements Command {
        /** @throws IllegalArgumentException if {@code workerId} is blank */
        public AssignTask {
            requireId("workerId", workerId);
        }
    }

    /**
     * Marks a task its worker ran as done and frees the worker.
     *
     * @param taskId   the task; not blank
     * @param workerId the worker it was assigned to; not blank
     * @param outcome  the result, for example {@code passed}
     */
    record CompleteTask(String taskId, String workerId, String outcome) implements Command {
        /** @throws IllegalArgumentException if an id is blank */
        public CompleteTask {
            requireId("taskId", taskId);
            requireId("workerId", workerId);
            Objects.requireNonNull(outcome, "outcome");
        }
    }

    private static void requireId(String name, String value) {
        Objects.requireNonNull(value, name);
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }
}
