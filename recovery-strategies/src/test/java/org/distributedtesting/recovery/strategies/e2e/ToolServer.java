package org.distributedtesting.recovery.strategies.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A server from a Debian package (Prometheus, Alertmanager) run as a child process of a test, its output in a log
 * file, stopped when the test ends.
 *
 * @param process the server's process
 * @param logFile where its output goes
 */
record ToolServer(Process process, Path logFile) implements AutoCloseable {

    /** Starts {@code command} with its output in {@code logFile}. */
    static ToolServer start(List<String> command, Path logFile) throws IOException {
        return new ToolServer(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(logFile.toFile())
                .start(), logFile);
    }

    /**
     * The executable {@code name} on the PATH; fails the test naming the Debian package to install when missing.
     *
     * @param debianPackage the package that ships it
     */
    static Path tool(String name, String debianPackage) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError("this test needs '" + name + "' from Debian's " + debianPackage + " package, which"
                + " is not on the PATH: apt-get install " + debianPackage + " (.ci/run installs it)");
    }

    /** What the server has written so far. */
    String log() throws IOException {
        return Files.exists(logFile) ? Files.readString(logFile) : "";
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
