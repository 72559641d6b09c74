package org.distributedtesting.recovery.core.http;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.distributedtesting.recovery.core.http.client.HttpNodeControl;

/**
 * Plain HTTP requests to a server on 127.0.0.1, as a coordinator in another language would send them: the
 * server tests check status codes and bodies without going through {@link HttpNodeControl}.
 *
 * <p>Thread-safe.
 */
public final class RawRequests {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT).build();

    private final int port;

    public RawRequests(int port) {
        this.port = port;
    }

    /** {@code POST path} with a JSON body and, when {@code token} is not null, {@code Authorization: Bearer}. */
    public HttpResponse<String> post(String path, String body, String token) throws IOException, InterruptedException {
        return post(path, body.getBytes(StandardCharsets.UTF_8), token);
    }

    public HttpResponse<String> post(String path, byte[] body, String token) throws IOException, InterruptedException {
        return postAuthorized(path, body, token == null ? null : "Bearer " + token);
    }

    /**
     * {@code POST path} with a JSON body, {@code Authorization: Bearer <token>} and further headers, each given as
     * name and value; a name given twice is sent twice.
     */
    public HttpResponse<String> post(String path, String body, String token, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = request(path, token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** {@code POST path} with {@code authorization} as the header's whole value, when not null. */
    public HttpResponse<String> postAuthorized(String path, byte[] body, String authorization)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = request(path, null).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
        return CLIENT.send(request(path, token).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> method(String method, String path, String token) throws IOException, InterruptedException {
        return CLIENT.send(request(path, token).method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(TIMEOUT);
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request;
    }
}
