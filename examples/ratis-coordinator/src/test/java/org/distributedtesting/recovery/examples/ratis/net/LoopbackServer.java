package org.distributedtesting.recovery.examples.ratis.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A target for the proxy tests on loopback: it either echoes every connection (and passes a half-close back) or hands
 * the accepted sockets to the test, which reads and writes them itself.
 */
final class LoopbackServer implements AutoCloseable {

    private final ServerSocket server;
    private final boolean echo;
    private final BlockingQueue<Socket> accepted = new LinkedBlockingQueue<>();
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

    private LoopbackServer(boolean echo) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.echo = echo;
        Thread acceptor = new Thread(this::acceptLoop, "loopback-server-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A server that writes back what it reads, and shuts down its output when the client does. */
    static LoopbackServer echo() throws IOException {
        return new LoopbackServer(true);
    }

    /** A server whose accepted sockets the test takes with {@link #nextAccepted(Duration)}. */
    static LoopbackServer accepting() throws IOException {
        return new LoopbackServer(false);
    }

    InetSocketAddress address() {
        return new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
    }

    Socket nextAccepted(Duration timeout) throws InterruptedException {
        Socket socket = accepted.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (socket == null) {
            throw new AssertionError("no connection reached the server on " + address() + " within " + timeout);
        }
        return socket;
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : List.copyOf(sockets)) {
            socket.close();
        }
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket socket;
            try {
                socket = server.accept();
                socket.setTcpNoDelay(true);
            } catch (IOException e) {
                return; // closed by the test
            }
            sockets.add(socket);
            if (echo) {
                Thread thread = new Thread(() -> echo(socket), "loopback-server-echo");
                thread.setDaemon(true);
                thread.start();
            } else {
                accepted.add(socket);
            }
        }
    }

    private static void echo(Socket socket) {
        try (socket) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
            }
            socket.shutdownOutput();
        } catch (IOException e) {
            // the peer reset or the test closed the server: the connection is over either way
        }
    }
}
