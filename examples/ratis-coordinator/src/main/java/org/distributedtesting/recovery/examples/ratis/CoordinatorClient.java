package org.distributedtesting.recovery.examples.ratis;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

/**
 * A client of the coordinator cluster: submits tasks and registers, assigns and completes work through Raft, and
 * remembers which writes were acknowledged (committed and applied: the reply came back) and which were not (the
 * request failed or timed out: it may or may not have been applied; a retry with the same task id is safe because
 * a task id seen before is a duplicate).
 *
 * <p>Command line: {@code CoordinatorClient --peers id=127.0.0.1:port,... submit COUNT | summary}.
 *
 * <p>Thread-safe. After a request fails, the next one uses a fresh Ratis client (a client does not survive a
 * peer's restart well). {@link #close()} closes the Ratis client.
 */
public final class CoordinatorClient implements AutoCloseable {

    /** How long one write may retry across leader changes before it counts as not acknowledged. */
    public static final Duration WRITE_RETRY = Duration.ofSeconds(15);

    private final List<Peer> peers;
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final Set<String> unacknowledged = ConcurrentHashMap.newKeySet();
    private final Object clientLock = new Object();
    // guarded by clientLock
    private RaftClient client;

    /** A client of the group made of {@code peers}. */
    public CoordinatorClient(List<Peer> peers) {
        this.peers = List.copyOf(peers);
        if (this.peers.isEmpty()) {
            throw new IllegalArgumentException("peers must not be empty");
        }
    }

    /**
     * What came of one write. Immutable and thread-safe.
     *
     * @param acknowledged whether the cluster committed and applied it
     * @param reply        the state machine's reply ({@code submitted t-1}, {@code rejected: ...}), or the error
     * @param index        the log index it was applied at, {@code -1} when not acknowledged
     */
    public record Reply(boolean acknowledged, String reply, long index) {
        /** @throws NullPointerException if {@code reply} is null */
        public Reply {
            Objects.requireNonNull(reply, "reply");
        }
    }

    /** Submits a test task. */
    public Reply submit(String taskId, String payload) {
        Reply reply = write(new Command.SubmitTask(taskId, payload));
        (reply.acknowledged() ? acknowledged : unacknowledged).add(taskId);
        if (reply.acknowledged()) {
            unacknowledged.remove(taskId);
        }
        return reply;
    }

    /** Registers a worker. */
    public Reply registerWorker(String workerId) {
        return write(new Command.RegisterWorker(workerId));
    }

    /** Gives the oldest pending task to an idle worker. */
    public Reply assign(String workerId) {
        return write(new Command.AssignTask(workerId));
    }

    /** Marks a task done. */
    public Reply complete(String taskId, String workerId, String outcome) {
        return write(new Command.CompleteTask(taskId, workerId, outcome));
    }

    /** Task ids whose submission was acknowledged. */
    public Set<String> acknowledgedTasks() {
        return Set.copyOf(acknowledged);
    }

    /** Task ids whose submission failed or timed out (and was not acknowledged later). */
    public Set<String> unacknowledgedTasks() {
        return Set.copyOf(unacknowledged);
    }

    /**
     * A linearizable read of the registry's counts: {@code applied}, {@code checksum}, {@code pending},
     * {@code assigned}, {@code completed}, {@code workers}.
     *
     * @throws IOException if the cluster did not answer
     */
    public Map<String, String> summary() throws IOException {
        RaftClientReply reply = call(c -> c.io().sendReadOnly(Message.valueOf("summary")));
        if (!reply.isSuccess()) {
            throw new IOException("summary failed: " + reply.getException());
        }
        Map<String, String> summary = new LinkedHashMap<>();
        for (String pair : reply.getMessage().getContent().toStringUtf8().split(" ")) {
            int eq = pair.indexOf('=');
            summary.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return summary;
    }

    /**
     * Moves leadership to {@code peerId} (an admin request, for tests and the demo).
     *
     * @throws IOException if the transfer failed
     */
    public void transferLeadership(String peerId, Duration timeout) throws IOException {
        RaftClientReply reply = call(c -> c.admin().transferLeadership(RaftPeerId.valueOf(peerId),
                timeout.toMillis()));
        if (!reply.isSuccess()) {
            throw new IOException("transfer of leadership to '" + peerId + "' failed: " + reply.getException());
        }
    }

    private Reply write(Command command) {
        try {
            RaftClientReply reply = call(c -> c.io().send(Message.valueOf(
                    ByteString.copyFrom(command.encode()))));
            if (!reply.isSuccess()) {
                return new Reply(false, String.valueOf(reply.getException()), -1);
            }
            return new Reply(true, reply.getMessage().getContent().toStringUtf8(), reply.getLogIndex());
        } catch (IOException e) {
            return new Reply(false, e.toString(), -1);
        }
    }

    private RaftClientReply call(RaftCall call) throws IOException {
        RaftClient c;
        synchronized (clientLock) {
            if (client == null) {
                client = RatisConfig.newClient(peers, RatisConfig.retryFor(WRITE_RETRY));
            }
            c = client;
        }
        try {
            return call.apply(c);
        } catch (IOException | RuntimeException e) {
            synchronized (clientLock) {
                if (client == c) {
                    client = null;
                    c.close();
                }
            }
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        synchronized (clientLock) {
            if (client != null) {
                client.close();
                client = null;
            }
        }
    }

    /** {@code --peers ... submit COUNT} submits COUNT tasks and prints how many were acknowledged. */
    public static void main(String[] args) throws IOException {
        if (args.length < 3 || !"--peers".equals(args[0])) {
            System.err.println("usage: CoordinatorClient --peers id=127.0.0.1:port,... submit COUNT | summary");
            System.exit(2);
        }
        try (CoordinatorClient client = new CoordinatorClient(Peer.parseList(args[1]))) {
            if ("submit".equals(args[2]) && args.length == 4) {
                int count = Integer.parseInt(args[3]);
                String prefix = "task-" + System.currentTimeMillis() + "-";
                for (int i = 0; i < count; i++) {
                    client.submit(prefix + i, "run suite " + i);
                }
                System.out.println("acknowledged=" + client.acknowledgedTasks().size() + " unacknowledged="
                        + client.unacknowledgedTasks().size());
            } else {
                System.out.println(client.summary());
            }
        }
    }

    @FunctionalInterface
    private interface RaftCall {
        RaftClientReply apply(RaftClient client) throws IOException;
    }
}
