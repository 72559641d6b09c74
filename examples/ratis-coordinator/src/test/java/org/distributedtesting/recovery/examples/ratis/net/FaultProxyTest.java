package org.distributedtesting.recovery.examples.ratis.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FaultProxyTest {

    private static final Duration ARRIVAL = Duration.ofSeconds(5);
    private static final int HELD_CHECK_MILLIS = 300;

    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void closeResources() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    @Test
    void forwardsOneMebibyteUnchangedBothWays() throws Exception {
        // Given
        FaultProxy proxy = proxy("echo", LoopbackServer.echo().address());
        byte[] payload = new byte[1024 * 1024];
        new Random(42).nextBytes(payload);
        Socket client = connect(proxy);

        // When
        CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> writeAndHalfClose(client, payload));
        byte[] received = client.getInputStream().readAllBytes();

        // Then
        sent.get(ARRIVAL.toSeconds(), TimeUnit.SECONDS);
        assertThat(received).hasSize(payload.length).isEqualTo(payload);
        await().atMost(ARRIVAL).untilAsserted(() -> assertThat(proxy.stats())
                .isEqualTo(new FaultProxy.Stats(1, 0, payload.length, payload.length, 0)));
    }

    @Test
    void cutUpstreamHoldsClientBytesAndDeliversThemInOrderAfterHeal() throws Exception {
        // Given
        LoopbackServer server = server(LoopbackServer.accepting());
        FaultProxy proxy = proxy("cut-up", server.address());
        Socket client = connect(proxy);
        Socket accepted = server.nextAccepted(ARRIVAL);

        // When
        proxy.cut(Direction.UPSTREAM);
        for (String part : List.of("one,", "two,", "three")) {
            client.getOutputStream().write(part.getBytes(StandardCharsets.US_ASCII));
        }

        // Then
        assertThat(proxy.isCut(Direction.UPSTREAM)).isTrue();
        assertThat(proxy.isCut(Direction.DOWNSTREAM)).isFalse();
        assertNothingArrives(accepted);
        proxy.heal();
        assertThat(readExactly(accepted, 13)).isEqualTo("one,two,three");
    }

    @Test
    void cutDownstreamHoldsServerBytesAndDeliversThemInOrderAfterHeal() throws Exception {
        // Given
        LoopbackServer server = server(LoopbackServer.accepting());
        FaultProxy proxy = proxy("cut-down", server.address());
        Socket client = connect(proxy);
        Socket accepted = server.nextAccepted(ARRIVAL);

        // When
        proxy.cut(Direction.DOWNSTREAM);
        for (String part : List.of("one,", "two,", "three")) {
            accepted.getOutputStream().write(part.getBytes(StandardCharsets.US_ASCII));
        }
        client.getOutputStream().write("still up".getBytes(StandardCharsets.US_ASCII));

        // Then
        assertThat(readExactly(accepted, 8)).as("the other direction still flows").isEqualTo("still up");
        assertNothingArrives(client);
        proxy.heal();
        assertThat(readExactly(client, 13)).isEqualTo("one,two,three");
    }

    @Test
    void cutBacksUpTheSenderAndLosesNoneOfWhatItHeld() throws Exception {
        // Given: more than the proxy's queue and both kernels' buffers hold
        LoopbackServer server = server(LoopbackServer.accepting());
        FaultProxy proxy = proxy("backpressure", server.address());
        Socket client = connect(proxy);
        Socket accepted = server.nextAccepted(ARRIVAL);
        byte[] payload = new byte[32 * 1024 * 1024];
        new Random(3).nextBytes(payload);
        proxy.cut(Direction.UPSTREAM);

        // When
        CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> writeAndHalfClose(client, payload));

        // Then: the sender blocks, and after the heal every byte arrives in order
        assertNothingArrives(accepted);
        assertThat(sent).as("the sender is blocked by full buffers").isNotDone();
        proxy.heal();
        accepted.setSoTimeout((int) ARRIVAL.toMillis());
        assertThat(accepted.getInputStream().readAllBytes()).isEqualTo(payload);
        sent.get(ARRIVAL.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void refusesNewConnectionsWhileCutAndAcceptsThemAfterHeal() throws Exception {
        // Given
        FaultProxy proxy = proxy("refuse", server(LoopbackServer.echo()).address());
        Socket before = connect(proxy);
        // through the proxy to the server: one still waiting in the listener's backlog would be reset by the cut
        roundTrip(before, "open");

        // When
        proxy.cutBoth();
        proxy.cutBoth(); // idempotent

        // Then
        assertThatThrownBy(() -> connect(proxy)).isInstanceOf(ConnectException.class);
        proxy.heal();
        assertThat(roundTrip(connect(proxy), "after heal")).isEqualTo("after heal");
        assertThat(roundTrip(before, "held then healed")).isEqualTo("held then healed");
    }

    @Test
    void latencyDelaysEachDirection() throws Exception {
        // Given
        FaultProxy proxy = proxy("latency", server(LoopbackServer.echo()).address());
        Socket client = connect(proxy);
        roundTrip(client, "warm");
        proxy.latency(Duration.ofMillis(200), Duration.ZERO);

        // When
        long start = System.nanoTime();
        String echoed = roundTrip(client, "ping");
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

        // Then: 200 ms on the way there and 200 ms on the way back
        assertThat(echoed).isEqualTo("ping");
        assertThat(elapsed).isGreaterThanOrEqualTo(Duration.ofMillis(400));
    }

    @Test
    void jitterNeverReordersChunks() throws Exception {
        // Given
        FaultProxy proxy = FaultProxy.start("jitter", loopbackPortZero(), server(LoopbackServer.echo()).address(),
                new Random(7));
        resources.add(proxy);
        proxy.latency(Duration.ofMillis(1), Duration.ofMillis(30));
        Socket client = connect(proxy);
        int count = 1000;

        // When: numbered small writes, each its own segment (TCP_NODELAY on every hop)
        CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
            try {
                DataOutputStream out = new DataOutputStream(client.getOutputStream());
                for (int i = 0; i < count; i++) {
                    out.writeInt(i);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });

        // Then
        DataInputStream in = new DataInputStream(client.getInputStream());
        for (int i = 0; i < count; i++) {
            assertThat(in.readInt()).as("number %d", i).isEqualTo(i);
        }
        sent.get(ARRIVAL.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void bandwidthLimitsThroughput() throws Exception {
        // Given
        LoopbackServer server = server(LoopbackServer.accepting());
        FaultProxy proxy = proxy("bandwidth", server.address());
        proxy.bandwidth(64 * 1024);
        Socket client = connect(proxy);
        Socket accepted = server.nextAccepted(ARRIVAL);
        byte[] payload = new byte[128 * 1024];

        // When
        long start = System.nanoTime();
        CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> writeAndHalfClose(client, payload));
        accepted.setSoTimeout((int) ARRIVAL.toMillis());
        byte[] received = accepted.getInputStream().readNBytes(payload.length);
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

        // Then: 128 KiB at 64 KiB/s is about 2 s
        sent.get(ARRIVAL.toSeconds(), TimeUnit.SECONDS);
        assertThat(received).hasSize(payload.length);
        assertThat(elapsed).isGreaterThanOrEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void resetConnectionsResetsOpenConnectionsAndKeepsAccepting() throws Exception {
        // Given
        FaultProxy proxy = proxy("reset", server(LoopbackServer.echo()).address());
        Socket client = connect(proxy);
        roundTrip(client, "before");

        // When
        proxy.resetConnections();

        // Then
        assertConnectionEnded(client);
        assertThat(roundTrip(connect(proxy), "after")).isEqualTo("after");
        assertThat(proxy.stats().resets()).isEqualTo(1);
        assertThat(proxy.stats().accepted()).isEqualTo(2);
    }

    @Test
    void closesTheClientAtOnceWhenTheTargetIsDown() throws Exception {
        // Given: a port nobody listens on
        InetSocketAddress down;
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            down = new InetSocketAddress(taken.getInetAddress(), taken.getLocalPort());
        }
        FaultProxy proxy = proxy("target-down", down);

        // When / Then
        try {
            assertConnectionEnded(connect(proxy));
        } catch (SocketException e) {
            // the proxy's reset came before connect() had returned: turned away even sooner
            assertThat(e).hasMessageContaining("reset");
        }
        await().atMost(ARRIVAL).untilAsserted(() -> assertThat(proxy.stats().open()).isZero());
    }

    @Test
    void closeEndsEveryThreadAndTheListener() throws Exception {
        // Given
        FaultProxy proxy = proxy("closing", server(LoopbackServer.echo()).address());
        Socket client = connect(proxy);
        roundTrip(client, "open");
        proxy.cut(Direction.DOWNSTREAM);
        client.getOutputStream().write("held".getBytes(StandardCharsets.US_ASCII));
        assertThat(proxyThreads("closing")).isNotEmpty();

        // When
        proxy.close();
        proxy.close(); // idempotent

        // Then
        await().atMost(ARRIVAL).untilAsserted(() -> assertThat(proxyThreads("closing")).isEmpty());
        assertConnectionEnded(client);
        assertThatThrownBy(() -> connect(proxy)).isInstanceOf(ConnectException.class);
    }

    @Test
    void halfClosePassesThroughAfterTheBytesBeforeIt() throws Exception {
        // Given
        FaultProxy proxy = proxy("half-close", server(LoopbackServer.echo()).address());
        proxy.latency(Duration.ofMillis(50), Duration.ZERO);
        Socket client = connect(proxy);

        // When
        client.getOutputStream().write("last words".getBytes(StandardCharsets.US_ASCII));
        client.shutdownOutput();

        // Then: the echo server saw the FIN only after the bytes, echoed them, and closed its side
        byte[] echoed = client.getInputStream().readAllBytes();
        assertThat(new String(echoed, StandardCharsets.US_ASCII)).isEqualTo("last words");
        await().atMost(ARRIVAL).untilAsserted(() -> assertThat(proxy.stats().open()).isZero());
    }

    @Test
    void clearFaultsHealsAndLiftsLatencyAndBandwidth() throws Exception {
        // Given
        FaultProxy proxy = proxy("clear", server(LoopbackServer.echo()).address());
        Socket client = connect(proxy);
        roundTrip(client, "open");
        proxy.latency(Duration.ofSeconds(30), Duration.ZERO);
        proxy.bandwidth(1);
        proxy.cutBoth();

        // When
        proxy.clearFaults();

        // Then
        assertThat(proxy.isCut(Direction.UPSTREAM)).isFalse();
        assertThat(proxy.isCut(Direction.DOWNSTREAM)).isFalse();
        assertThat(roundTrip(client, "fast again")).isEqualTo("fast again");
    }

    @Test
    void rejectsInvalidArgumentsNamingThem() throws Exception {
        FaultProxy proxy = proxy("invalid", server(LoopbackServer.echo()).address());

        assertThatThrownBy(() -> proxy.latency(Duration.ofMillis(-1), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("base").hasMessageContaining("-0.001");
        assertThatThrownBy(() -> proxy.bandwidth(-5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bytesPerSecond").hasMessageContaining("-5");
        assertThatThrownBy(() -> FaultProxy.start(" ", loopbackPortZero(), proxy.target()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name");
        assertThatThrownBy(() -> FaultProxy.start("taken", proxy.listenAddress(), proxy.target()))
                .isInstanceOf(IOException.class).hasMessageContaining("taken").hasMessageContaining(
                        String.valueOf(proxy.listenAddress().getPort()));
    }

    private FaultProxy proxy(String name, InetSocketAddress target) throws IOException {
        FaultProxy proxy = FaultProxy.start(name, loopbackPortZero(), target);
        resources.add(proxy);
        assertThat(proxy.listenAddress().getPort()).isPositive();
        return proxy;
    }

    private LoopbackServer server(LoopbackServer server) {
        resources.add(server);
        return server;
    }

    private Socket connect(FaultProxy proxy) throws IOException {
        Socket socket = new Socket();
        resources.add(socket);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout((int) ARRIVAL.toMillis());
        socket.connect(proxy.listenAddress(), (int) ARRIVAL.toMillis());
        return socket;
    }

    private static InetSocketAddress loopbackPortZero() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }

    private static String roundTrip(Socket socket, String message) throws IOException {
        socket.getOutputStream().write(message.getBytes(StandardCharsets.US_ASCII));
        return readExactly(socket, message.length());
    }

    private static String readExactly(Socket socket, int length) throws IOException {
        socket.setSoTimeout((int) ARRIVAL.toMillis());
        byte[] bytes = socket.getInputStream().readNBytes(length);
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    private static void writeAndHalfClose(Socket socket, byte[] payload) {
        try {
            socket.getOutputStream().write(payload);
            socket.shutdownOutput();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The socket's read times out: nothing was delivered to it. */
    private static void assertNothingArrives(Socket socket) throws IOException {
        socket.setSoTimeout(HELD_CHECK_MILLIS);
        assertThatThrownBy(() -> socket.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
    }

    /** The peer sees EOF or a reset well before the read timeout, not silence. */
    private static void assertConnectionEnded(Socket socket) throws IOException {
        socket.setSoTimeout((int) ARRIVAL.toMillis());
        InputStream in = socket.getInputStream();
        int read;
        try {
            read = in.read();
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the connection is still open after " + ARRIVAL, e);
        } catch (IOException e) {
            return; // a reset
        }
        assertThat(read).as("EOF").isEqualTo(-1);
    }

    private static List<String> proxyThreads(String name) {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(threadName -> threadName.startsWith("fault-proxy-" + name + "-")).toList();
    }
}
