package org.distributedtesting.recovery.strategies.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on a loopback port in front of several servers (a ZooKeeper ensemble): each connection goes to the
 * next server that accepts it. {@link #cut()} closes every connection and the listening socket, so the one client
 * behind it is cut off from all servers at once, as a network partition would, while every other client is not.
 */
final class TcpProxy implements AutoCloseable {

    private final ServerSocket server;
    private final List<InetSocketAddress> backends;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger next = new AtomicInteger();
    private volatile boolean cut;

    private TcpProxy(ServerSocket server, List<InetSocketAddress> backends) {
        this.server = server;
        this.backends = List.copyOf(backends);
    }

    /** Listens on a free loopback port and forwards to {@code backends}. */
    static TcpProxy start(List<InetSocketAddress> backends) throws IOException {
        ServerSocket server = new ServerSocket(FreePorts.next(), 50, InetAddress.getLoopbackAddress());
        TcpProxy proxy = new TcpProxy(server, backends);
        Thread accept = new Thread(proxy::acceptLoop, "proxy-accept-" + server.getLocalPort());
        accept.setDaemon(true);
        accept.start();
        return proxy;
    }

    /** {@code 127.0.0.1:port}, for a connect string. */
    String address() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    private void acceptLoop() {
        while (!cut) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed by cut() or close()
            }
            Socket upstream = connect();
            if (upstream == null || cut) {
                closeQuietly(client);
                closeQuietly(upstream);
                continue;
            }
            open.add(client);
            open.add(upstream);
            pump(client, upstream);
            pump(upstream, client);
        }
    }

    private Socket connect() {
        for (int i = 0; i < backends.size(); i++) {
            InetSocketAddress backend = backends.get(Math.floorMod(next.getAndIncrement(), backends.size()));
            Socket socket = new Socket();
            try {
                socket.connect(backend, 1000);
                return socket;
            } catch (IOException e) {
                closeQuietly(socket); // that server is down: the next one
            }
        }
        return null;
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // the other side or cut() closed the connection: close both below
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
            }
        }, "proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    /** Cuts the client behind this proxy off: every connection closed, every new one refused. */
    void cut() {
        cut = true;
        closeQuietly(server);
        open.forEach(TcpProxy::closeQuietly);
        open.clear();
    }

    private static void closeQuietly(java.io.Closeable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (IOException e) {
            // closing to cut: nothing more to do
        }
    }

    @Override
    public void close() {
        cut();
    }
}
