package org.distributedtesting.recovery.examples.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Measures the daemon's own footprint: it serves N healthy stand-in nodes on loopback from this JVM
 * ({@link StandInCluster}), writes a watch-only {@code cluster.json} for them with the daemon's {@code /metrics},
 * {@code /health} and {@code /ready} on a free loopback port, and starts the packaged daemon as a child process
 * ({@code java [-Xmx] -jar recovery.jar --config cluster.json --interval 1 --daemon}). It reports the time from the
 * process's start to its first completed cycle ({@code /ready} answers 200), then, after W warm-up cycles, the CPU
 * time ({@code utime + stime} of {@code /proc/<pid>/stat}) over a window of C cycles (the {@code cycles} count of
 * {@code /health}) divided by C, and the resident memory ({@code VmRSS}, {@code VmHWM} of {@code /proc/<pid>/status})
 * sampled through the window. The daemon is stopped with SIGTERM at the end. Linux only. See README.md.
 *
 * <p>Not thread-safe; run from {@link #main}.
 */
public final class DaemonFootprint {

    /** The daemon's cycle interval, as {@code --interval 1} sets it. */
    static final Duration INTERVAL = Duration.ofSeconds(1);
    /** How long the daemon may take to complete its first cycle before the run is abandoned. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    /** How often the start is polled: the resolution of the start time. */
    private static final Duration START_POLL = Duration.ofMillis(20);
    /** How often the window is polled: cheap for the daemon (a small JSON page), fine enough for the pace. */
    private static final Duration WINDOW_POLL = Duration.ofMillis(250);
    private static final Pattern CYCLES = Pattern.compile("\"cycles\"\\s*:\\s*(\\d+)");

    private DaemonFootprint() {
    }

    /**
     * Runs the measurement and prints it.
     *
     * @param args see {@link FootprintOptions#USAGE}
     */
    public static void main(String[] args) throws Exception {
        FootprintOptions options;
        try {
            if (List.of(args).contains("--help")) {
                System.out.print(FootprintOptions.USAGE);
                return;
            }
            options = FootprintOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.print(FootprintOptions.USAGE);
            System.exit(2);
            return;
        }
        if (!Files.isRegularFile(options.jar())) {
            System.err.println("no daemon jar at " + options.jar().toAbsolutePath()
                    + ": build it with mvn -pl recovery-strategies -am package -DskipTests, or pass --jar");
            System.exit(2);
        }
        if (!Files.isDirectory(Path.of("/proc/self"))) {
            System.err.println("DaemonFootprint reads /proc/<pid>: it runs on Linux only");
            System.exit(2);
        }
        print(options, measure(options));
    }

    /**
     * What one run measured.
     *
     * @param startup       from the daemon's process start to its first completed cycle
     * @param cycles        cycles completed in the window
     * @param window        wall time of the window
     * @param cpuTicks      CPU time of the daemon over the window, in clock ticks
     * @param ticksPerSecond clock ticks a second ({@code getconf CLK_TCK})
     * @param rssEndKb      resident set size at the end of the window
     * @param rssMaxKb      the highest resident set size sampled in the window
     * @param hwmKb         the process's peak resident set size ({@code VmHWM}) at the end of the window
     * @param gcPauses      collections the JVM counted in the window ({@code jvm_gc_pause_seconds_count}), or -1
     * @param gcPauseTime   time spent in those collections, or null when unknown
     * @param heapUsedKb    heap in use at the end of the window ({@code jvm_memory_used_bytes{area="heap"}}), or -1
     * @param detected      failures the daemon reported (its DETECTED lines) in the whole run: 0 over a healthy
     *                      cluster, more when probes time out because the machine cannot keep up
     */
    record Result(Duration startup, long cycles, Duration window, long cpuTicks, long ticksPerSecond, long rssEndKb,
                  long rssMaxKb, long hwmKb, long gcPauses, Duration gcPauseTime, long heapUsedKb,
                  long detected) {

        /** CPU milliseconds per cycle. */
        double cpuMsPerCycle() {
            return cpuTicks * 1000.0 / ticksPerSecond / cycles;
        }

        /** Cycles a second: 1.0 when the daemon keeps its 1 s interval. */
        double pace() {
            return cycles / (window.toNanos() / 1e9);
        }
    }

    static Result measure(FootprintOptions options) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("daemon-footprint-");
        long began = System.nanoTime();
        try (StandInCluster cluster = StandInCluster.start(options.nodes(), options.peers(), Clock.systemUTC())) {
            System.err.printf(Locale.ROOT, "started %d stand-in nodes in %.1f s%n", options.nodes(),
                    (System.nanoTime() - began) / 1e9);
            int monitoringPort = freePort();
            Path config = dir.resolve("cluster.json");
            Files.writeString(config, config(cluster, monitoringPort, dir.resolve("recovery")));
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            options.xmx().ifPresent(size -> command.add("-Xmx" + size));
            command.addAll(List.of("-jar", options.jar().toAbsolutePath().toString(), "--config", config.toString(),
                    "--interval", Long.toString(INTERVAL.toSeconds()), "--daemon"));
            Path log = dir.resolve("daemon.log");
            long startNanos = System.nanoTime();
            Process daemon = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                    .start();
            // the harness stopped by a signal must not leave the daemon running
            Thread stopper = new Thread(daemon::destroy, "stop-daemon");
            Runtime.getRuntime().addShutdownHook(stopper);
            try {
                return watch(options, daemon, startNanos, "http://127.0.0.1:" + monitoringPort, log);
            } finally {
                stop(daemon);
                Runtime.getRuntime().removeShutdownHook(stopper);
            }
        } finally {
            deleteTree(dir);
        }
    }

    private static Result watch(FootprintOptions options, Process daemon, long startNanos, String base, Path log)
            throws IOException, InterruptedException {
        long pid = daemon.pid();
        long deadline = startNanos + START_TIMEOUT.toNanos();
        while (get(base + "/ready").status() != 200) {
            alive(daemon, log, deadline, "its first cycle");
            sleep(START_POLL);
        }
        Duration startup = Duration.ofNanos(System.nanoTime() - startNanos);
        System.err.printf(Locale.ROOT, "daemon pid %d completed its first cycle %.2f s after its start%n", pid,
                startup.toMillis() / 1000.0);
        long warmed = cyclesAtLeast(base, options.warmup(), daemon, log, options.warmup());
        Metrics before = Metrics.scrape(base);
        long cycles0 = cycles(base);
        long ticks0 = ProcStats.cpuTicks(pid);
        long window0 = System.nanoTime();
        long rssMax = 0;
        long target = cycles0 + options.cycles();
        long cycles1;
        long windowDeadline = System.nanoTime() + INTERVAL.multipliedBy(3L * options.cycles() + 30).toNanos();
        while (true) {
            cycles1 = cycles(base);
            rssMax = Math.max(rssMax, ProcStats.memory(pid).rssKb());
            if (cycles1 >= target) {
                break;
            }
            alive(daemon, log, windowDeadline, options.cycles() + " cycles after the " + warmed + " warm-up ones");
            sleep(WINDOW_POLL);
        }
        long ticks1 = ProcStats.cpuTicks(pid);
        Duration window = Duration.ofNanos(System.nanoTime() - window0);
        ProcStats.Memory memory = ProcStats.memory(pid);
        Metrics after = Metrics.scrape(base);
        long detected;
        try (var lines = Files.lines(log)) {
            List<String> found = lines.filter(line -> line.contains("DETECTED")).toList();
            detected = found.size();
            found.stream().limit(3).forEach(line -> System.err.println("daemon: " + line));
        }
        long pauses = before.gcPauses < 0 || after.gcPauses < 0 ? -1 : after.gcPauses - before.gcPauses;
        Duration pauseTime = before.gcSeconds < 0 || after.gcSeconds < 0 ? null
                : Duration.ofNanos(Math.round((after.gcSeconds - before.gcSeconds) * 1e9));
        return new Result(startup, cycles1 - cycles0, window, ticks1 - ticks0, ticksPerSecond(), memory.rssKb(),
                Math.max(rssMax, memory.rssKb()), memory.hwmKb(), pauses, pauseTime, after.heapUsedKb, detected);
    }

    /** Waits until the daemon has completed at least {@code count} cycles, and returns how many it has. */
    private static long cyclesAtLeast(String base, long count, Process daemon, Path log, int warmup)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + INTERVAL.multipliedBy(3L * warmup + 30).toNanos();
        while (true) {
            long cycles = cycles(base);
            if (cycles >= count) {
                return cycles;
            }
            alive(daemon, log, deadline, warmup + " warm-up cycles");
            sleep(WINDOW_POLL);
        }
    }

    private static long cycles(String base) throws IOException {
        Response health = get(base + "/health");
        return cyclesOf(health.body()).orElseThrow(() -> new IOException("/health has no cycles count: "
                + health.body()));
    }

    /** The {@code cycles} count of a {@code /health} or {@code /ready} page. */
    static java.util.OptionalLong cyclesOf(String healthJson) {
        Matcher m = CYCLES.matcher(healthJson);
        return m.find() ? java.util.OptionalLong.of(Long.parseLong(m.group(1))) : java.util.OptionalLong.empty();
    }

    private static void alive(Process daemon, Path log, long deadline, String waitingFor) throws IOException {
        if (!daemon.isAlive()) {
            throw new IllegalStateException("the daemon exited with code " + daemon.exitValue() + " before "
                    + waitingFor + "; its output:\n" + tail(log));
        }
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException("the daemon did not complete " + waitingFor + " in time; its output:\n"
                    + tail(log));
        }
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    /** SIGTERM, as systemd stops the daemon; SIGKILL if it has not ended within 15 s. */
    private static void stop(Process daemon) throws InterruptedException {
        daemon.destroy();
        if (!daemon.waitFor(15, TimeUnit.SECONDS)) {
            daemon.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** A watch-only configuration: no commands, no supervision, so the daemon probes and detects only. */
    static String config(StandInCluster cluster, int monitoringPort, Path recoveryDir) {
        StringBuilder nodes = new StringBuilder();
        List<Integer> ports = cluster.ports();
        for (int i = 0; i < ports.size(); i++) {
            nodes.append(i == 0 ? "" : ",\n").append("    {\"id\": \"").append(cluster.ids().get(i))
                    .append("\", \"host\": \"127.0.0.1\", \"port\": ").append(ports.get(i))
                    .append(", \"data_dir\": \"data/").append(cluster.ids().get(i)).append("\"}");
        }
        return """
                {
                  "nodes": [
                %s
                  ],
                  "recovery_dir": "%s",
                  "metrics": {"listen": "127.0.0.1:%d"}
                }
                """.formatted(nodes, jsonString(recoveryDir.toString()), monitoringPort);
    }

    private static String jsonString(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private record Response(int status, String body) {
    }

    private static Response get(String url) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
        connection.setConnectTimeout(2_000);
        connection.setReadTimeout(10_000);
        try {
            int status = connection.getResponseCode();
            InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
            return new Response(status, in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (java.net.ConnectException notListeningYet) {
            return new Response(-1, "");
        } finally {
            connection.disconnect();
        }
    }

    /** GC and heap figures of the daemon's {@code /metrics}; -1 where the page does not have them. */
    private record Metrics(long gcPauses, double gcSeconds, long heapUsedKb) {

        static Metrics scrape(String base) throws IOException {
            String page = get(base + "/metrics").body();
            if (!page.contains("jvm_memory_used_bytes")) {
                return new Metrics(-1, -1, -1);
            }
            // -1 where absent: the daemon's registry binds no JvmGcMetrics today
            return new Metrics(Math.round(sum(page, "jvm_gc_pause_seconds_count", "")),
                    sum(page, "jvm_gc_pause_seconds_sum", ""),
                    Math.round(sum(page, "jvm_memory_used_bytes", "area=\"heap\"") / 1024));
        }

        /** The sum of every sample of {@code name} whose labels contain {@code label}, or -1 if there is none. */
        static double sum(String page, String name, String label) {
            double total = 0;
            boolean found = false;
            for (String line : page.split("\n")) {
                if ((line.startsWith(name + "{") || line.startsWith(name + " ")) && line.contains(label)) {
                    String value = line.substring(line.lastIndexOf(' ') + 1);
                    total += Double.parseDouble(value);
                    found = true;
                }
            }
            return found ? total : -1;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static long ticksPerSecond() {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            return getconf.waitFor() == 0 ? Long.parseLong(out) : 100;
        } catch (IOException | NumberFormatException e) {
            return 100; // USER_HZ on every Linux architecture Java runs on
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }

    private static void sleep(Duration duration) throws InterruptedException {
        Thread.sleep(duration.toMillis()); // the harness's own pace between polls of a real process
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    private static void print(FootprintOptions options, Result r) {
        System.out.println();
        System.out.println("Coordinator Recovery: daemon footprint");
        System.out.printf(Locale.ROOT, "  machine     Java %s (%s), %d CPUs%n", System.getProperty("java.version"),
                System.getProperty("java.vm.name"), Runtime.getRuntime().availableProcessors());
        System.out.printf(Locale.ROOT, "  daemon      %s, -Xmx %s, --interval %d, watch-only, metrics on%n",
                options.jar(), options.xmx().orElse("default"), INTERVAL.toSeconds());
        System.out.printf(Locale.ROOT, "  cluster     %d stand-in nodes (NodeProtocolServer on loopback), %d peers"
                + " reported by each%n", options.nodes(), options.peers());
        System.out.printf(Locale.ROOT, "  window      %d cycles after %d warm-up cycles%n%n", r.cycles(),
                options.warmup());
        System.out.printf(Locale.ROOT, "  start to first cycle      %8.2f s%n", r.startup().toMillis() / 1000.0);
        System.out.printf(Locale.ROOT, "  CPU per cycle             %8.1f ms   (%d ticks at %d/s over %d cycles)%n",
                r.cpuMsPerCycle(), r.cpuTicks(), r.ticksPerSecond(), r.cycles());
        System.out.printf(Locale.ROOT, "  pace                      %8.3f cycles/s (1.000 keeps the interval)%n",
                r.pace());
        System.out.printf(Locale.ROOT, "  resident (VmRSS) end      %8.1f MiB%n", r.rssEndKb() / 1024.0);
        System.out.printf(Locale.ROOT, "  resident (VmRSS) max      %8.1f MiB  (sampled in the window)%n",
                r.rssMaxKb() / 1024.0);
        System.out.printf(Locale.ROOT, "  peak resident (VmHWM)     %8.1f MiB%n", r.hwmKb() / 1024.0);
        if (r.heapUsedKb() >= 0) {
            System.out.printf(Locale.ROOT, "  heap used at end          %8.1f MiB%n", r.heapUsedKb() / 1024.0);
        }
        if (r.gcPauses() >= 0 && r.gcPauseTime() != null) {
            System.out.printf(Locale.ROOT, "  GC in window              %8d pauses, %.1f ms in total%n", r.gcPauses(),
                    r.gcPauseTime().toNanos() / 1e6);
        }
        System.out.printf(Locale.ROOT, "  failures detected         %8d   (0 over this healthy cluster; more means probes"
                + " timed out)%n", r.detected());
    }
}
