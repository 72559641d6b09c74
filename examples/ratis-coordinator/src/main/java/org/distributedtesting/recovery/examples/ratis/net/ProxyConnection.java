package org.distributedtesting.recovery.examples.ratis.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One accepted client connection and its connection to the target, with a {@link Pump} (a reader thread and a writer
 * thread) per direction.
 *
 * <p>A FIN from one side passes through once what was read before it is delivered; when both directions have ended
 * both sockets are closed. Any error on either side closes both sides. A target that cannot be reached closes the
 * client socket with a reset at once.
 *
 * <p>Thread-safe: the sockets, the ended directions, the threads and the closed flag are guarded by {@code lock}.
 */
final class ProxyConnection {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyConnection.class);

    /** How long connecting to the target may take before the client is turned away. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    /** The shared parts of the proxy a connection uses. */
    record Context(String proxyName, InetSocketAddress target, FaultState faults, AtomicLong upstreamBytes,
                   AtomicLong downstreamBytes, ThreadStarter threads, Consumer<ProxyConnection> onClosed) {
    }

    private final long id;
    private final Socket client;
    private final Context context;
    private final Object lock = new Object();
    // guarded by lock
    private Socket target;
    private boolean closed;
    private final Set<Direction> ended = EnumSet.noneOf(Direction.class);
    private final List<Thread> threads = new ArrayList<>();

    ProxyConnection(long id, Socket client, Context context) {
        this.id = id;
        this.client = Objects.requireNonNull(client, "client");
        this.context = Objects.requireNonNull(context, "context");
    }

    /** Connects to the target and starts forwarding, on threads of its own. */
    void start() {
        startThread("upstream-read", this::connectAndForward);
    }

    /**
     * Closes both sides abruptly (SO_LINGER 0: the peers see a reset).
     *
     * @return whether this call closed it (false when it was already closed)
     */
    boolean reset() {
        return close(true);
    }

    /**
     * Closes both sides.
     *
     * @return whether this call closed it
     */
    boolean close() {
        return close(false);
    }

    @Override
    public String toString() {
        return "proxy '" + context.proxyName() + "' connection " + id + " from " + client.getRemoteSocketAddress();
    }

    private void connectAndForward() {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(context.target(), (int) CONNECT_TIMEOUT.toMillis());
        } catch (IOException e) {
            LOG.debug("{}: cannot connect to target {}, closing the client: {}", this, context.target(), e.toString());
            closeSocket(socket, false);
            close(true);
            return;
        }
        Pump upstream = new Pump(Direction.UPSTREAM, client, socket, context.faults(), context.upstreamBytes());
        Pump downstream = new Pump(Direction.DOWNSTREAM, socket, client, context.faults(), context.downstreamBytes());
        synchronized (lock) {
            if (closed) {
                closeSocket(socket, false);
                return;
            }
            target = socket;
        }
        startThread("upstream-write", () -> write(upstream));
        startThread("downstream-read", () -> read(downstream));
        startThread("downstream-write", () -> write(downstream));
        read(upstream);
    }

    private void read(Pump pump) {
        try {
            pump.readLoop();
        } catch (IOException | InterruptedException e) {
            failed(pump.direction() + " read", e);
        }
    }

    private void write(Pump pump) {
        try {
            pump.writeLoop();
        } catch (IOException | InterruptedException e) {
            failed(pump.direction() + " write", e);
            return;
        }
        boolean bothEnded;
        synchronized (lock) {
            ended.add(pump.direction());
            bothEnded = ended.size() == Direction.values().length;
        }
        if (bothEnded) {
            close(false);
        }
    }

    private void failed(String what, Exception e) {
        boolean closedByUs;
        synchronized (lock) {
            closedByUs = closed;
        }
        if (!closedByUs) {
            LOG.debug("{}: {} failed, closing both sides: {}", this, what, e.toString());
            close(false);
        }
    }

    private void startThread(String suffix, Runnable body) {
        synchronized (lock) {
            if (closed) {
                return;
            }
            threads.add(context.threads().start("conn-" + id + "-" + suffix, body));
        }
    }

    private boolean close(boolean abrupt) {
        List<Thread> toStop;
        Socket targetSocket;
        synchronized (lock) {
            if (closed) {
                return false;
            }
            closed = true;
            toStop = List.copyOf(threads);
            targetSocket = target;
        }
        closeSocket(client, abrupt);
        if (targetSocket != null) {
            closeSocket(targetSocket, abrupt);
        }
        // closing the sockets ends blocked reads and writes; the interrupt ends waits on the queue and the faults
        for (Thread thread : toStop) {
            if (thread != Thread.currentThread()) {
                thread.interrupt();
            }
        }
        context.onClosed().accept(this);
        return true;
    }

    private void closeSocket(Socket socket, boolean abrupt) {
        try {
            if (abrupt && !socket.isClosed()) {
                socket.setSoLinger(true, 0);
            }
        } catch (SocketException e) {
            LOG.debug("{}: cannot set SO_LINGER 0 on {}, closing it normally: {}", this, socket, e.toString());
        }
        try {
            socket.close();
        } catch (IOException e) {
            LOG.debug("{}: closing {} failed: {}", this, socket, e.toString());
        }
    }
}
