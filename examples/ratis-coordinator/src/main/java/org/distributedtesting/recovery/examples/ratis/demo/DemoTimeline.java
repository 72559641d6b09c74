package org.distributedtesting.recovery.examples.ratis.demo;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The demo's timeline on standard output: every line starts with the wall-clock seconds since the demo started. The
 * demo's own lines ({@code INJECTED}, {@code HEALTHY}, ...) are printed as they happen; the daemon's timeline
 * ({@code DETECTED}, {@code ACTION}, {@code RUNG}, {@code RECOVERED}, {@code ESCALATED}, ...), which it writes to a
 * file with the UTC time of day, is relayed as it appears, its time converted to seconds since the start.
 *
 * <p>Thread-safe: one lock orders the printing, so that relayed and own lines never interleave within a line.
 */
final class DemoTimeline implements AutoCloseable {

    private static final Pattern DAEMON_LINE = Pattern.compile("(\\d{2}:\\d{2}:\\d{2}\\.\\d{3})  (.*)");
    private static final long POLL_MS = 100;

    private final PrintStream out;
    private final Instant start;
    private final Object lock = new Object();
    // guarded by lock
    private int relayed;
    private Supplier<List<String>> daemonLines;
    private boolean silenced;
    private ScheduledExecutorService relay;

    DemoTimeline(PrintStream out, Instant start) {
        this.out = Objects.requireNonNull(out, "out");
        this.start = Objects.requireNonNull(start, "start");
    }

    /** Seconds since the start, as the timeline writes them. */
    String seconds(Instant at) {
        return String.format(Locale.ROOT, "%7.1fs", Duration.between(start, at).toMillis() / 1000.0);
    }

    /** Prints a line of the demo's own, stamped with the time {@code at}. */
    void line(Instant at, String text) {
        synchronized (lock) {
            if (!silenced) {
                out.println(seconds(at) + "  " + text);
            }
        }
    }

    /** Prints a line without a time (headings, the summary). */
    void plain(String text) {
        synchronized (lock) {
            if (!silenced) {
                out.println(text);
            }
        }
    }

    /**
     * Relays the daemon's lines, polling {@code lines} every {@value #POLL_MS} ms on a thread of its own until
     * {@link #close()}.
     */
    void relay(Supplier<List<String>> lines) {
        synchronized (lock) {
            this.daemonLines = Objects.requireNonNull(lines, "lines");
            relay = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "demo-timeline-relay");
                t.setDaemon(true);
                return t;
            });
            relay.scheduleWithFixedDelay(this::drain, 0, POLL_MS, TimeUnit.MILLISECONDS);
        }
    }

    /** Prints the daemon lines that appeared since the last call. */
    void drain() {
        synchronized (lock) {
            if (daemonLines == null) {
                return;
            }
            List<String> lines = daemonLines.get();
            for (int i = relayed; i < lines.size(); i++) {
                if (!silenced) {
                    out.println(relayedLine(lines.get(i)));
                }
            }
            relayed = Math.max(relayed, lines.size());
        }
    }

    /** From now on nothing is printed (the demo was interrupted and its cleanup speaks instead). */
    void silence() {
        synchronized (lock) {
            silenced = true;
        }
    }

    private String relayedLine(String line) {
        Matcher m = DAEMON_LINE.matcher(line);
        if (!m.matches()) {
            return seconds(Instant.now()) + "  daemon: " + line;
        }
        try {
            return seconds(daemonInstant(LocalTime.parse(m.group(1)))) + "  " + m.group(2);
        } catch (DateTimeParseException e) {
            return seconds(Instant.now()) + "  daemon: " + line;
        }
    }

    /** The instant of a UTC time of day, on the day nearest to the demo's start (the demo may cross midnight). */
    private Instant daemonInstant(LocalTime time) {
        LocalDate day = start.atZone(ZoneOffset.UTC).toLocalDate();
        Instant candidate = day.atTime(time).toInstant(ZoneOffset.UTC);
        if (Duration.between(start, candidate).compareTo(Duration.ofHours(-12)) < 0) {
            candidate = candidate.plus(Duration.ofDays(1));
        }
        return candidate;
    }

    /** Stops relaying, after printing what the daemon wrote up to now. */
    @Override
    public void close() {
        ScheduledExecutorService executor;
        synchronized (lock) {
            executor = relay;
            relay = null;
        }
        if (executor != null) {
            executor.shutdownNow();
            try {
                executor.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        drain();
    }
}
