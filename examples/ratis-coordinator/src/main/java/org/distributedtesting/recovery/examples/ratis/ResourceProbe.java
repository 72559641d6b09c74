package org.distributedtesting.recovery.examples.ratis;

import com.sun.management.OperatingSystemMXBean;
import com.sun.management.UnixOperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.stream.Stream;
import org.distributedtesting.recovery.Resources;

/**
 * What the node uses: the JVM process's CPU load, the heap against {@code -Xmx}, the bytes in the data directory
 * against the node's disk quota, and the open file descriptors ({@code /proc/self/fd}) against the process limit.
 *
 * <p>Thread-safe: every sample reads the operating system afresh.
 */
final class ResourceProbe {

    private static final Path PROC_FD = Path.of("/proc/self/fd");

    private final DataDir dir;
    private final long diskQuota;
    private final java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();

    ResourceProbe(DataDir dir, long diskQuota) {
        this.dir = Objects.requireNonNull(dir, "dir");
        this.diskQuota = diskQuota;
    }

    Resources sample() {
        Runtime runtime = Runtime.getRuntime();
        double cpu = os instanceof OperatingSystemMXBean sun ? Math.max(0, sun.getProcessCpuLoad()) : 0;
        long fileLimit = os instanceof UnixOperatingSystemMXBean unix ? Math.max(0, unix.getMaxFileDescriptorCount())
                : 0;
        return new Resources(cpu, runtime.totalMemory() - runtime.freeMemory(), runtime.maxMemory(),
                DataDir.sizeOf(dir.root()), diskQuota, openFiles(), fileLimit);
    }

    /** Disk bytes the data directory uses now. */
    long diskUsed() {
        return DataDir.sizeOf(dir.root());
    }

    private long openFiles() {
        if (Files.isDirectory(PROC_FD)) {
            try (Stream<Path> fds = Files.list(PROC_FD)) {
                return fds.count();
            } catch (IOException e) {
                return 0;
            }
        }
        return os instanceof UnixOperatingSystemMXBean unix ? Math.max(0, unix.getOpenFileDescriptorCount()) : 0;
    }
}
