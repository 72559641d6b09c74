package org.distributedtesting.recovery.core.http.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.core.http.ControlRequest;
import org.distributedtesting.recovery.core.http.ProtocolException;
import org.distributedtesting.recovery.core.http.codec.ActionJson;
import org.distributedtesting.recovery.core.http.codec.BearerToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node protocol's database copy, as the host carrying out a restore fetches it from the source node: a
 * consistent copy, within a deadline, written beside the target and moved into place only once complete.
 *
 * <p>Stateless and thread-safe.
 */
public final class DatabaseDownload {

    private static final Logger LOG = LoggerFactory.getLogger(DatabaseDownload.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private DatabaseDownload() {
    }

    /**
     * Downloads a consistent copy of a node's database ({@code GET /api/control/database_copy}) into
     * {@code target}, for a host carrying out {@link Action.Restore}: {@code hostPort} is the
     * {@link ControlRequest#sourceAddress()} of its request. The copy is written next to {@code target} and moved
     * into place only once complete, replacing a file there; a broken or late transfer leaves {@code target} as
     * it was. No size limit but the deadline; see the overload.
     *
     * @return the number of bytes written
     * @throws IOException              if the node cannot be reached, answers other than 200, breaks off the
     *                                  transfer or does not finish within {@code deadline}, or the file cannot be
     *                                  written; the message never contains the token
     * @throws IllegalArgumentException if {@code hostPort} is not {@code host:port} or {@code deadline} is not
     *                                  positive
     * @throws InterruptedException     if the calling thread is interrupted while waiting
     */
    public static long download(String hostPort, Supplier<String> token, Path target, Duration deadline)
            throws IOException, InterruptedException {
        return download(hostPort, token, target, deadline, Long.MAX_VALUE);
    }

    /**
     * As {@link #download(String, Supplier, Path, Duration)}, refusing a copy over {@code maxBytes}.
     *
     * @throws IllegalArgumentException also if {@code maxBytes} is not positive
     */
    public static long download(String hostPort, Supplier<String> token, Path target, Duration deadline,
                                        long maxBytes) throws IOException, InterruptedException {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(target, "target");
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be > 0, but was " + maxBytes);
        }
        Deadline end = Deadline.after(deadline);
        HttpRequest.Builder request = HttpRequest.newBuilder(NodeUris.of(hostPort, ActionJson.DATABASE_COPY))
                .timeout(end.remaining()).GET();
        String secret = BearerToken.current(token);
        BearerToken.authorize(request, secret);
        Path absolute = target.toAbsolutePath();
        Path partial = Files.createTempFile(absolute.getParent(), absolute.getFileName() + ".", ".partial");
        boolean moved = false;
        try (DeadlineClient client = new DeadlineClient("http-download-" + INSTANCES.incrementAndGet(),
                HttpNodeProbe.DEFAULT_CONNECT_TIMEOUT)) {
            HttpResponse<InputStream> response = client.send(request.build(), NodeUris.of(hostPort, "/").getHost(),
                    end);
            long size;
            try (InputStream body = response.body(); OutputStream out = Files.newOutputStream(partial)) {
                if (response.statusCode() != 200) {
                    byte[] error = client.readBounded(body, HttpNodeControl.DEFAULT_MAX_RESPONSE_BYTES, end, "response");
                    throw new ProtocolException(ProbeFailures.httpFailure(response.statusCode(), error, secret));
                }
                size = client.copyBounded(body, out, maxBytes, end, "database copy");
            }
            move(partial, absolute);
            moved = true;
            LOG.debug("Downloaded a database copy of {} bytes from {} in {} ms", size, hostPort, end.elapsedMillis());
            return size;
        } catch (IOException | RuntimeException e) {
            throw ProbeFailures.rethrow(ProbeFailures.redact(e, secret));
        } finally {
            if (!moved) {
                Files.deleteIfExists(partial);
            }
        }
    }

    private static void move(Path partial, Path target) throws IOException {
        try {
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
