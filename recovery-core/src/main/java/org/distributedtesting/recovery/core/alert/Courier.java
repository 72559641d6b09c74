package org.distributedtesting.recovery.core.alert;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the notices of one sink to one destination, off the engine's thread: a bounded queue (a full queue drops
 * the new notice, counted and logged), one worker thread, a timeout per attempt, and retries with exponential
 * backoff for a 5xx, a 429 (honouring {@code Retry-After}) or a connection error; any other 4xx is given up at once,
 * since sending it again cannot help. A notice given up is logged at WARN and reported to {@code gaveUp} (which
 * journals it). Logs name the sink and the destination's number, never its URL, which may hold a credential.
 *
 * <p>Thread-safe: {@link #offer} from any thread; the worker sends one notice at a time, in order.
 */
final class Courier implements AutoCloseable {

    /** What a notice given up says, for the journal. */
    record GiveUp(String sink, String destination, String what, int attempts, String lastError) {
    }

    /** The result of one attempt: a status code, or an error. */
    record Attempt(int status, Optional<String> retryAfter, Optional<String> error) {
        boolean accepted() {
            return error.isEmpty() && status >= 200 && status < 300;
        }

        boolean retryable() {
            return error.isPresent() || status == 429 || status >= 500;
        }

        String describe() {
            return error.orElse("HTTP " + status);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(Courier.class);
    /** The longest wait a {@code Retry-After} may ask for. */
    static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(5);
    private static final Duration DROP_WARNING_INTERVAL = Duration.ofMinutes(1);

    private final String sink;
    private final String destination;
    private final URI url;
    private final HttpClient client;
    private final Duration timeout;
    private final int maxAttempts;
    private final Duration backoffInitial;
    private final Duration backoffMax;
    private final DeliveryStats stats;
    private final Consumer<GiveUp> gaveUp;
    private final Clock clock;
    private final BlockingQueue<Notice> queue;
    private final CountDownLatch closing = new CountDownLatch(1);
    private final Thread worker;
    private volatile Instant lastDropWarning;

    Courier(String sink, String destination, URI url, HttpClient client, Duration timeout, int queueSize,
            int maxAttempts, Duration backoffInitial, Duration backoffMax, DeliveryStats stats, Consumer<GiveUp> gaveUp,
            Clock clock) {
        this.sink = sink;
        this.destination = destination;
        this.url = url;
        this.client = client;
        this.timeout = timeout;
        this.maxAttempts = maxAttempts;
        this.backoffInitial = backoffInitial;
        this.backoffMax = backoffMax;
        this.stats = stats;
        this.gaveUp = gaveUp;
        this.clock = clock;
        this.queue = new ArrayBlockingQueue<>(queueSize);
        this.worker = new Thread(this::work, "alerts-" + destination);
        this.worker.setDaemon(true);
        this.worker.start();
    }

    /** The sink's name and, when it has several, this destination's number: {@code alertmanager#2}. */
    String destination() {
        return destination;
    }

    /** Queues a notice; never blocks. A full queue drops it (counted, and a WARN at most once a minute). */
    void offer(Notice notice) {
        if (closing.getCount() == 0 || !queue.offer(notice)) {
            stats.dropped.incrementAndGet();
            Instant now = clock.instant();
            Instant last = lastDropWarning;
            if (last == null || !now.isBefore(last.plus(DROP_WARNING_INTERVAL))) {
                lastDropWarning = now;
                LOG.warn("Alert sink {}: dropped '{}': {} notifications wait already (queue_size); {} dropped so far",
                        destination, notice.what(), queue.size(), stats.dropped());
            }
        }
    }

    /** Sends one notice now, once, on the caller's thread: for {@code --test-alerts}. */
    Attempt sendOnce(Notice notice) {
        return attempt(notice);
    }

    private void work() {
        while (closing.getCount() > 0 || !queue.isEmpty()) {
            Notice notice;
            try {
                notice = queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (notice != null && !deliver(notice)) {
                return;
            }
        }
    }

    /** Delivers with retries; false when interrupted (closing for good). */
    private boolean deliver(Notice notice) {
        Duration backoff = backoffInitial;
        for (int attempt = 1; ; attempt++) {
            Attempt result = attempt(notice);
            if (result.accepted()) {
                stats.delivered.incrementAndGet();
                LOG.debug("Alert sink {}: delivered '{}' (attempt {})", destination, notice.what(), attempt);
                return true;
            }
            if (!result.retryable() || attempt >= maxAttempts) {
                stats.gaveUp.incrementAndGet();
                String why = result.retryable() ? "after " + attempt + " attempts" : "the receiver refused it";
                LOG.warn("Alert sink {}: gave up '{}' {}: {}", destination, notice.what(), why, result.describe());
                gaveUp.accept(new GiveUp(sink, destination, notice.what(), attempt, result.describe()));
                return true;
            }
            stats.retried.incrementAndGet();
            Duration wait = result.retryAfter().flatMap(this::retryAfter).orElse(backoff);
            LOG.info("Alert sink {}: '{}' attempt {} failed ({}); trying again in {} ms", destination, notice.what(),
                    attempt, result.describe(), wait.toMillis());
            backoff = backoff.multipliedBy(2).compareTo(backoffMax) > 0 ? backoffMax : backoff.multipliedBy(2);
            try {
                if (closing.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                    // closing: one last attempt is all a stopping daemon waits for
                    if (attempt(notice).accepted()) {
                        stats.delivered.incrementAndGet();
                    } else {
                        stats.gaveUp.incrementAndGet();
                        gaveUp.accept(new GiveUp(sink, destination, notice.what(), attempt + 1, "the daemon stopped"));
                    }
                    return true;
                }
            } catch (InterruptedException e) {
                return false;
            }
        }
    }

    private Attempt attempt(Notice notice) {
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "coordinator-recovery")
                .POST(HttpRequest.BodyPublishers.ofByteArray(notice.body()));
        notice.headers().forEach(request::header);
        try {
            HttpResponse<Void> response = client.send(request.build(), HttpResponse.BodyHandlers.discarding());
            return new Attempt(response.statusCode(), response.headers().firstValue("Retry-After"), Optional.empty());
        } catch (HttpTimeoutException e) {
            return new Attempt(0, Optional.empty(), Optional.of("no answer within " + timeout.toMillis() + " ms"));
        } catch (IOException e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            // a message of the HTTP client may quote the URL; keep only its kind
            return new Attempt(0, Optional.empty(), Optional.of(e.getClass().getSimpleName()
                    + (message.contains("://") ? "" : ": " + message)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Attempt(0, Optional.empty(), Optional.of("interrupted"));
        }
    }

    /** A {@code Retry-After} of seconds or an HTTP date, capped at {@link #MAX_RETRY_AFTER}. */
    private Optional<Duration> retryAfter(String value) {
        Duration wait;
        try {
            wait = Duration.ofSeconds(Long.parseLong(value.strip()));
        } catch (NumberFormatException notSeconds) {
            try {
                wait = Duration.between(clock.instant(), ZonedDateTime.parse(value.strip(),
                        DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
            } catch (DateTimeParseException neither) {
                return Optional.empty();
            }
        }
        if (wait.isNegative()) {
            return Optional.of(Duration.ZERO);
        }
        return Optional.of(wait.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : wait);
    }

    /** Stops taking notices; the worker goes on sending what waits until {@link #close(Duration)}. */
    void beginClose() {
        closing.countDown();
    }

    /**
     * Stops taking notices, and gives the worker up to {@code grace} to send what waits (a notice in backoff gets one
     * last attempt); then stops it.
     */
    void close(Duration grace) {
        beginClose();
        try {
            worker.join(grace.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (worker.isAlive()) {
            worker.interrupt();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }
}
