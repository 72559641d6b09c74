package org.distributedtesting.recovery.core.alert;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

/**
 * A local HTTP receiver for the alert tests: records every request, and answers with the scripted responses in turn
 * (then with the default), one of which may hang until the test ends.
 */
final class Receiver implements AutoCloseable {

    /** A request as received. */
    record Request(Instant at, String method, String path, Map<String, List<String>> headers, byte[] body) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }

        String text() {
            return new String(body, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** A scripted response; {@code status} 0 hangs. */
    record Response(int status, Map<String, String> headers) {
        static Response of(int status) {
            return new Response(status, Map.of());
        }
    }

    static final Response HANG = Response.of(0);

    final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Deque<Response> script = new ArrayDeque<>();
    private final Response otherwise;
    private final CountDownLatch released = new CountDownLatch(1);
    private final HttpServer server;

    Receiver(Response otherwise, Response... scripted) throws IOException {
        this.otherwise = otherwise;
        script.addAll(List.of(scripted));
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            requests.add(new Request(Instant.now(), exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    Map.copyOf(exchange.getRequestHeaders()), body));
            Response response;
            synchronized (script) {
                response = script.isEmpty() ? otherwise : script.removeFirst();
            }
            if (response.status() == 0) {
                try {
                    released.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                exchange.close();
                return;
            }
            response.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            exchange.sendResponseHeaders(response.status(), -1);
            exchange.close();
        });
        server.start();
    }

    URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    @Override
    public void close() {
        released.countDown();
        server.stop(0);
    }
}
