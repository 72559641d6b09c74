package org.distributedtesting.recovery.examples.ratis.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A proxy's listening socket and the thread accepting on it. A cut closes it and a heal opens a new one on the same
 * address.
 *
 * <p>Thread-safe as used: {@link #start()} and {@link #close()} are called under the proxy's lock, once each; the
 * acceptor only hands accepted sockets to the handler.
 */
final class Listener {

    private static final Logger LOG = LoggerFactory.getLogger(Listener.class);

    /** Pending connections the socket queues before refusing. */
    private static final int BACKLOG = 50;

    /** The pause before accepting again after accept() failed on a socket that is still open. */
    static final Duration ACCEPT_RETRY = Duration.ofMillis(100);

    /** Takes every accepted socket. */
    @FunctionalInterface
    interface Handler {
        void accepted(Listener from, Socket client);
    }

    private final String proxyName;
    private final ServerSocket socket;
    private final InetSocketAddress address;
    private final ThreadStarter threads;
    private final Handler handler;
    // written once by start(), read by close(); both under the proxy's lock
    private Thread acceptor;

    private Listener(String proxyName, ServerSocket socket, ThreadStarter threads, Handler handler) {
        this.proxyName = proxyName;
        this.socket = socket;
        this.address = new InetSocketAddress(socket.getInetAddress(), socket.getLocalPort());
        this.threads = threads;
        this.handler = handler;
    }

    /**
     * Binds {@code address}; accepting begins with {@link #start()}.
     *
     * @throws IOException naming the proxy and the address, if it cannot be bound
     */
    static Listener bind(String proxyName, InetSocketAddress address, ThreadStarter threads, Handler handler)
            throws IOException {
        Objects.requireNonNull(threads, "threads");
        Objects.requireNonNull(handler, "handler");
        ServerSocket socket = new ServerSocket();
        try {
            // lets a heal bind the port again while connections accepted on it are still open or in TIME_WAIT
            socket.setReuseAddress(true);
            socket.bind(address, BACKLOG);
        } catch (IOException e) {
            socket.close();
            throw new IOException("proxy '" + proxyName + "' cannot listen on " + address + ": " + e.getMessage(), e);
        }
        return new Listener(proxyName, socket, threads, handler);
    }

    /** @return the bound address, with the real port */
    InetSocketAddress address() {
        return address;
    }

    void start() {
        acceptor = threads.start("accept", this::acceptLoop);
    }

    /**
     * Closes the socket and waits (bounded by {@code wait}) for the acceptor to leave accept(): the kernel keeps a
     * listening socket open while a thread is inside accept() on it, even after close(), so until then a connect()
     * would still succeed. On return, connects are refused.
     */
    void close(Duration wait) {
        try {
            socket.close();
        } catch (IOException e) {
            LOG.debug("proxy '{}': closing the listener on {} failed: {}", proxyName, address, e.toString());
        }
        if (acceptor == null || acceptor == Thread.currentThread()) {
            return;
        }
        try {
            acceptor.join(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (acceptor.isAlive()) {
            LOG.warn("proxy '{}': {} still running {} after the listener on {} was closed", proxyName,
                    acceptor.getName(), wait, address);
        }
    }

    private void acceptLoop() {
        while (true) {
            Socket client;
            try {
                client = socket.accept();
            } catch (IOException e) {
                if (socket.isClosed()) {
                    return; // a cut or the proxy's close
                }
                // an accept that keeps failing on an open socket (out of file descriptors, say) must not spin
                LOG.warn("proxy '{}': accept on {} failed, retrying in {} ms: {}", proxyName, address,
                        ACCEPT_RETRY.toMillis(), e.toString());
                try {
                    Thread.sleep(ACCEPT_RETRY.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
                continue;
            }
            handler.accepted(this, client);
        }
    }
}
