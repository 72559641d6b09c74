package org.distributedtesting.recovery.examples.ratis.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fault-injecting TCP proxy: it listens on one address and forwards every accepted connection to a target, and can
 * cut a direction (bytes held, new connections refused), add latency with jitter, limit bandwidth, and reset every
 * open connection. In the spirit of Toxiproxy, small, with blocking sockets and a reader and a writer thread per
 * direction of each connection, all daemon threads named {@code fault-proxy-<name>-...}.
 *
 * <pre>{@code
 * try (FaultProxy proxy = FaultProxy.start("n1-n2", new InetSocketAddress("127.0.0.1", 0), target)) {
 *     connect(proxy.listenAddress());
 *     proxy.cutBoth();   // a partition: nothing passes, new connections are refused
 *     proxy.heal();      // what was held is delivered, in order
 * }
 * }</pre>
 *
 * <p>Thread-safe: the faults may be changed from any thread at any time; every connection's writers see a change at
 * once (the faults sit behind one lock whose condition wakes them, see {@link FaultState}). Cut, heal and close are
 * serialized by a lock of the proxy, and return once the listener is in its new state; the open connections and the
 * counters are concurrent.
 */
public final class FaultProxy implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FaultProxy.class);

    /** How long {@link #close()} waits for the proxy's threads to end. */
    static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    /**
     * Counters of a proxy since it started.
     *
     * @param accepted        connections accepted
     * @param open            connections open now
     * @param bytesUpstream   bytes delivered to the target
     * @param bytesDownstream bytes delivered to the clients
     * @param resets          connections closed by {@link #resetConnections()}
     */
    public record Stats(long accepted, int open, long bytesUpstream, long bytesDownstream, long resets) {
    }

    private final String name;
    private final InetSocketAddress listenAddress;
    private final InetSocketAddress target;
    private final FaultState faults;
    // serializes cut, heal and close, which replace the listener; the acceptor reads the two fields below without it
    private final Object lock = new Object();
    // written under lock: null while a direction is cut and after close
    private volatile Listener listener;
    // written under lock
    private volatile boolean closed;
    private final Set<ProxyConnection> connections = ConcurrentHashMap.newKeySet();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final AtomicLong connectionIds = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong bytesUpstream = new AtomicLong();
    private final AtomicLong bytesDownstream = new AtomicLong();
    private final AtomicLong resets = new AtomicLong();
    private final ProxyConnection.Context context;

    private FaultProxy(String name, InetSocketAddress listen, InetSocketAddress target, Random random)
            throws IOException {
        this.name = name;
        this.listener = Listener.bind(name, listen, this::startThread, this::accepted);
        this.listenAddress = listener.address();
        this.target = target;
        this.faults = new FaultState(random);
        this.context = new ProxyConnection.Context(name, target, faults, bytesUpstream, bytesDownstream,
                this::startThread, connections::remove);
    }

    /**
     * Binds {@code listen} (port 0 picks a free port) and forwards every accepted connection to {@code target}, with
     * an unseeded random source for the latency jitter.
     *
     * @param name   shows in thread names, log lines and errors
     * @param listen where to listen
     * @param target where to connect for each accepted connection
     * @return the running proxy
     * @throws IOException              if {@code listen} cannot be bound
     * @throws IllegalArgumentException if {@code name} is blank or {@code target} is unresolved
     * @throws NullPointerException     if an argument is null
     */
    public static FaultProxy start(String name, InetSocketAddress listen, InetSocketAddress target)
            throws IOException {
        return start(name, listen, target, new Random());
    }

    /**
     * As {@link #start(String, InetSocketAddress, InetSocketAddress)}, with the random source that places each chunk
     * within the latency jitter (seed it to repeat a run).
     *
     * @throws IOException              if {@code listen} cannot be bound
     * @throws IllegalArgumentException if {@code name} is blank or {@code target} is unresolved
     * @throws NullPointerException     if an argument is null
     */
    public static FaultProxy start(String name, InetSocketAddress listen, InetSocketAddress target, Random random)
            throws IOException {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(random, "random");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank, but was '" + name + "'");
        }
        if (target.isUnresolved()) {
            throw new IllegalArgumentException("proxy '" + name + "': target must be resolved, but was " + target);
        }
        FaultProxy proxy = new FaultProxy(name, listen, target, random);
        synchronized (proxy.lock) {
            proxy.listener.start();
        }
        LOG.info("proxy '{}' listening on {}, forwarding to {}", name, proxy.listenAddress, target);
        return proxy;
    }

    /** @return the name given at start */
    public String name() {
        return name;
    }

    /** @return the bound address, with the real port when port 0 was asked; the same after a heal re-binds it */
    public InetSocketAddress listenAddress() {
        return listenAddress;
    }

    /** @return where accepted connections are forwarded */
    public InetSocketAddress target() {
        return target;
    }

    /**
     * Stops delivering bytes in {@code direction} on every open connection. The bytes are held, not dropped: the
     * proxy reads up to a bounded amount and then stops reading, so the sender's kernel buffers fill and it blocks, as
     * behind a real partition where TCP retransmits. While any direction is cut new connections are refused: the
     * listening socket is closed, so that {@code connect()} fails with "connection refused"; {@link #heal()} re-binds
     * it to the same address. A connection that the kernel had completed but the proxy had not yet accepted is reset
     * by that close, like the ones after it. Idempotent.
     *
     * @throws NullPointerException if {@code direction} is null
     */
    public void cut(Direction direction) {
        cut(EnumSet.of(Objects.requireNonNull(direction, "direction")));
    }

    /** Cuts both directions: a full partition. See {@link #cut(Direction)}. */
    public void cutBoth() {
        cut(EnumSet.allOf(Direction.class));
    }

    /**
     * Delivers in both directions again, what was held first and in order, and accepts new connections again (the
     * listener is re-bound to {@link #listenAddress()}). Idempotent; does nothing to the listener after close.
     *
     * @throws UncheckedIOException if the listen address cannot be bound again (something else took the port)
     */
    public void heal() {
        synchronized (lock) {
            if (faults.heal()) {
                LOG.info("proxy '{}': healed ({} -> {})", name, listenAddress, target);
            }
            if (closed || listener != null) {
                return;
            }
            try {
                listener = Listener.bind(name, listenAddress, this::startThread, this::accepted);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            listener.start();
        }
    }

    /**
     * @return whether {@code direction} is cut now
     * @throws NullPointerException if {@code direction} is null
     */
    public boolean isCut(Direction direction) {
        return faults.isCut(direction);
    }

    /**
     * Delays every chunk in both directions: it is delivered {@code base + uniform(0, jitter)} after it was read,
     * never before the chunk read before it. The new values apply to chunks already waiting. {@code Duration.ZERO,
     * Duration.ZERO} turns latency off.
     *
     * @throws IllegalArgumentException if a duration is negative
     * @throws NullPointerException     if a duration is null
     */
    public void latency(Duration base, Duration jitter) {
        faults.latency(base, jitter);
        LOG.info("proxy '{}': latency {} + up to {}", name, base, jitter);
    }

    /**
     * Limits each direction of each connection to {@code bytesPerSecond}; 0 means unlimited.
     *
     * @throws IllegalArgumentException if {@code bytesPerSecond} is negative
     */
    public void bandwidth(long bytesPerSecond) {
        faults.bandwidth(bytesPerSecond);
        LOG.info("proxy '{}': bandwidth {}", name, bytesPerSecond == 0 ? "unlimited" : bytesPerSecond + " B/s");
    }

    /**
     * Closes every open connection abruptly on both sides (SO_LINGER 0, so the peers see a reset). The listener
     * stays; what was held on those connections is dropped.
     */
    public void resetConnections() {
        int count = 0;
        for (ProxyConnection connection : List.copyOf(connections)) {
            if (connection.reset()) {
                count++;
            }
        }
        resets.addAndGet(count);
        LOG.info("proxy '{}': reset {} connection(s)", name, count);
    }

    /** {@link #heal()}, latency off and bandwidth unlimited. */
    public void clearFaults() {
        heal();
        faults.latency(Duration.ZERO, Duration.ZERO);
        faults.bandwidth(0);
        LOG.info("proxy '{}': faults cleared", name);
    }

    /** @return the counters now */
    public Stats stats() {
        return new Stats(accepted.get(), connections.size(), bytesUpstream.get(), bytesDownstream.get(), resets.get());
    }

    /**
     * Closes the listener and every connection, and waits a bounded time (5 s) for the
     * proxy's threads to end. Idempotent.
     */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            closeListener();
        }
        for (ProxyConnection connection : List.copyOf(connections)) {
            connection.close();
        }
        long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
        for (Thread thread : List.copyOf(threads)) {
            if (thread == Thread.currentThread()) {
                continue;
            }
            try {
                thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        List<String> alive = threads.stream().filter(Thread::isAlive).map(Thread::getName).toList();
        if (!alive.isEmpty()) {
            LOG.warn("proxy '{}': threads still running {} after close: {}", name, CLOSE_WAIT, alive);
        }
        LOG.info("proxy '{}' closed", name);
    }

    @Override
    public String toString() {
        return "FaultProxy['" + name + "' " + listenAddress + " -> " + target + "]";
    }

    private void cut(Set<Direction> directions) {
        synchronized (lock) {
            for (Direction direction : directions) {
                if (faults.cut(direction)) {
                    LOG.info("proxy '{}': {} cut ({} -> {})", name, direction, listenAddress, target);
                }
            }
            closeListener();
        }
    }

    /** Guarded by lock. On return, connects are refused. */
    private void closeListener() {
        if (listener != null) {
            listener.close(CLOSE_WAIT);
            listener = null;
        }
    }

    /** Called by the acceptor of {@code from}, without the lock. */
    private void accepted(Listener from, Socket client) {
        if (closed || listener != from) {
            // accepted just as a cut or close took the listener away: refused, as later ones are
            refuse(client);
            return;
        }
        try {
            client.setTcpNoDelay(true);
        } catch (SocketException e) {
            LOG.debug("proxy '{}': cannot set TCP_NODELAY on {}: {}", name, client, e.toString());
        }
        accepted.incrementAndGet();
        ProxyConnection connection = new ProxyConnection(connectionIds.incrementAndGet(), client, context);
        connections.add(connection);
        if (closed) {
            // close() may have taken its copy of the connections before the add: do its work for this one
            connection.close();
            return;
        }
        connection.start();
    }

    private void refuse(Socket client) {
        try {
            client.setSoLinger(true, 0);
            client.close();
        } catch (IOException e) {
            LOG.debug("proxy '{}': closing refused connection {} failed: {}", name, client, e.toString());
        }
    }

    private Thread startThread(String suffix, Runnable body) {
        Thread thread = new Thread(() -> {
            try {
                body.run();
            } finally {
                threads.remove(Thread.currentThread());
            }
        }, "fault-proxy-" + name + "-" + suffix);
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
        return thread;
    }
}
