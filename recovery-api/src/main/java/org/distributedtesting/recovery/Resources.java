package org.distributedtesting.recovery;

/**
 * Resource use a node reports. A limit of {@code 0} means unknown; ratios against an unknown limit are 0.
 *
 * <p>Immutable and thread-safe.
 *
 * @param cpuLoad     CPU use as a fraction of the node's share, 0.0 to 1.0 (may exceed 1.0 briefly)
 * @param memoryUsed  bytes of memory in use
 * @param memoryLimit bytes of memory the node may use
 * @param diskUsed    bytes used on the node's data volume
 * @param diskLimit   bytes available to the node on its data volume
 * @param openFiles   file handles open
 * @param fileLimit   file handles the node may open
 */
public record Resources(double cpuLoad, long memoryUsed, long memoryLimit, long diskUsed, long diskLimit,
                        long openFiles, long fileLimit) {

    /** Nothing reported. */
    public static final Resources UNKNOWN = new Resources(0, 0, 0, 0, 0, 0, 0);

    /** @throws IllegalArgumentException if any value is negative or not a number */
    public Resources {
        if (!(cpuLoad >= 0)) {
            throw new IllegalArgumentException("cpuLoad must be >= 0, but was " + cpuLoad);
        }
        requireNonNegative("memoryUsed", memoryUsed);
        requireNonNegative("memoryLimit", memoryLimit);
        requireNonNegative("diskUsed", diskUsed);
        requireNonNegative("diskLimit", diskLimit);
        requireNonNegative("openFiles", openFiles);
        requireNonNegative("fileLimit", fileLimit);
    }

    private static void requireNonNegative(String name, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must be >= 0, but was " + value);
        }
    }

    /** Memory used as a fraction of the limit; 0 when the limit is unknown. */
    public double memoryRatio() {
        return ratio(memoryUsed, memoryLimit);
    }

    /** Disk used as a fraction of the limit; 0 when the limit is unknown. */
    public double diskRatio() {
        return ratio(diskUsed, diskLimit);
    }

    /** File handles open as a fraction of the limit; 0 when the limit is unknown. */
    public double fileRatio() {
        return ratio(openFiles, fileLimit);
    }

    private static double ratio(long used, long limit) {
        return limit == 0 ? 0 : (double) used / limit;
    }
}
