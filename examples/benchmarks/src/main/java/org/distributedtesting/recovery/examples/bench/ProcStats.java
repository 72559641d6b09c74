package org.distributedtesting.recovery.examples.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What Linux's {@code /proc/<pid>} says of a process: its resident memory from {@code status} and its CPU time from
 * {@code stat}.
 *
 * <p>Stateless and thread-safe.
 */
final class ProcStats {

    private ProcStats() {
    }

    /**
     * A process's memory, in kibibytes.
     *
     * @param rssKb resident set size now ({@code VmRSS})
     * @param hwmKb the highest resident set size so far ({@code VmHWM})
     */
    record Memory(long rssKb, long hwmKb) {
    }

    /** Reads {@code /proc/<pid>/status}. */
    static Memory memory(long pid) throws IOException {
        return memory(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
    }

    /** Reads the CPU time, user plus system, in clock ticks, from {@code /proc/<pid>/stat}. */
    static long cpuTicks(long pid) throws IOException {
        return cpuTicks(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
    }

    /**
     * The {@code VmRSS} and {@code VmHWM} lines of a {@code status} file.
     *
     * @throws IllegalArgumentException if either line is missing or is not in kB
     */
    static Memory memory(String status) {
        return new Memory(kilobytes(status, "VmRSS:"), kilobytes(status, "VmHWM:"));
    }

    /**
     * {@code utime + stime} of a {@code stat} line. The second field, the command name in parentheses, may hold
     * spaces and parentheses itself, so the fields are counted from the last {@code ')'}.
     *
     * @throws IllegalArgumentException if the line has too few fields or they are not numbers
     */
    static long cpuTicks(String stat) {
        int end = stat.lastIndexOf(')');
        if (end < 0) {
            throw new IllegalArgumentException("not a /proc/<pid>/stat line: '" + shorten(stat) + "'");
        }
        // after ") ": state(3) ppid(4) ... utime(14) stime(15); fields[0] is field 3
        String[] fields = stat.substring(end + 1).trim().split("\\s+");
        if (fields.length < 13) {
            throw new IllegalArgumentException("a /proc/<pid>/stat line has at least 15 fields, but this has "
                    + (fields.length + 2) + ": '" + shorten(stat) + "'");
        }
        try {
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("utime and stime must be numbers, but were '" + fields[11] + "' and '"
                    + fields[12] + "'");
        }
    }

    private static long kilobytes(String status, String key) {
        for (String line : status.split("\n")) {
            if (line.startsWith(key)) {
                String[] parts = line.substring(key.length()).trim().split("\\s+");
                if (parts.length != 2 || !parts[1].equals("kB")) {
                    throw new IllegalArgumentException(key + " must be '<number> kB', but was '" + line + "'");
                }
                try {
                    return Long.parseLong(parts[0]);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(key + " must be '<number> kB', but was '" + line + "'");
                }
            }
        }
        throw new IllegalArgumentException("no " + key + " line in /proc/<pid>/status");
    }

    private static String shorten(String text) {
        return text.length() <= 80 ? text.strip() : text.substring(0, 80) + "...";
    }
}
