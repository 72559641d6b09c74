package org.distributedtesting.recovery.core.http.client;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicReference;
import org.distributedtesting.recovery.core.http.ProtocolException;

/**
 * A response body gathered in memory for {@link java.net.http.HttpClient#sendAsync}, up to a limit: a body longer
 * than the limit fails with a {@link ProtocolException} and cancels its subscription, so the rest of it is never
 * read (over HTTP/1.1 the connection is closed). {@link #abort(Throwable)} ends it the same way from outside, at a
 * deadline. No thread waits for the body: the client hands each part over as it arrives.
 *
 * <p>Thread-safe: the client calls {@code onNext} serially, as {@link Flow.Subscriber} requires, and
 * {@link #abort(Throwable)} may come from any thread; the buffer is written only by {@code onNext} and read only
 * by {@code onComplete}, after it.
 */
final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {

    private static final byte[] EMPTY = new byte[0];
    private static final int INITIAL_BYTES = 8192;

    private final long maxBytes;
    private final String what;
    private final boolean wanted;
    private final CompletableFuture<byte[]> body = new CompletableFuture<>();
    private final AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
    private final ByteArrayOutputStream out;
    private long received;
    /** Set once, before the body fails for its length. */
    private volatile ProtocolException tooLong;

    /**
     * @param maxBytes the longest body accepted
     * @param what     names the body in the message when it is too long, for example {@code "response"}
     * @param wanted   false to skip the body: the subscription is cancelled at once and the body is empty
     */
    BoundedBody(long maxBytes, String what, boolean wanted) {
        this.maxBytes = maxBytes;
        this.what = Objects.requireNonNull(what, "what");
        this.wanted = wanted;
        this.out = new ByteArrayOutputStream(wanted ? (int) Math.min(INITIAL_BYTES, maxBytes + 1) : 0);
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return body;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        if (!subscription.compareAndSet(null, s) || body.isDone()) {
            s.cancel(); // a second subscription, or aborted before the body began
            return;
        }
        if (!wanted) {
            s.cancel();
            body.complete(EMPTY);
            return;
        }
        s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        if (body.isDone()) {
            return;
        }
        for (ByteBuffer item : items) {
            int length = item.remaining();
            if (received + length > maxBytes) {
                tooLong = new ProtocolException(what + " exceeds " + maxBytes + " bytes");
                fail(tooLong);
                return;
            }
            if (item.hasArray()) {
                out.write(item.array(), item.arrayOffset() + item.position(), length);
                item.position(item.limit());
            } else {
                byte[] bytes = new byte[length];
                item.get(bytes);
                out.write(bytes, 0, length);
            }
            received += length;
        }
    }

    @Override
    public void onError(Throwable failure) {
        body.completeExceptionally(failure);
    }

    @Override
    public void onComplete() {
        body.complete(out.toByteArray());
    }

    /** Ends the body with {@code reason} unless it has ended, and stops reading it. */
    void abort(Throwable reason) {
        fail(reason);
    }

    /** The failure of a body that was too long; null when it was not. */
    ProtocolException tooLong() {
        return tooLong;
    }

    private void fail(Throwable reason) {
        if (body.completeExceptionally(reason)) {
            Flow.Subscription s = subscription.get();
            if (s != null) {
                s.cancel();
            }
        }
    }
}
