package org.distributedtesting.recovery.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProcStatsTest {

    private static final String STATUS = """
            Name:\tjava
            Umask:\t0022
            State:\tS (sleeping)
            VmPeak:\t 3712344 kB
            VmHWM:\t  187300 kB
            VmRSS:\t  161204 kB
            Threads:\t28
            """;

    @Test
    void readsResidentAndPeakResidentMemoryInKibibytes() {
        // When
        ProcStats.Memory memory = ProcStats.memory(STATUS);

        // Then
        assertThat(memory).isEqualTo(new ProcStats.Memory(161_204, 187_300));
    }

    @Test
    void refusesAStatusWithoutVmRss() {
        assertThatThrownBy(() -> ProcStats.memory("Name:\tkthreadd\nVmHWM:\t 1 kB\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no VmRSS: line in /proc/<pid>/status");
    }

    @Test
    void addsUserAndSystemTicks() {
        // Given: fields 14 (utime) = 1234 and 15 (stime) = 56
        String stat = "4242 (java) S 1 4242 4242 0 -1 4194560 24650 0 12 0 1234 56 0 0 20 0 28 0 9160 3801436160 40301"
                + " 18446744073709551615 1 1 0 0 0 0 0 2 16800975 0 0 0 17 1 0 0 0 0 0\n";

        // Then
        assertThat(ProcStats.cpuTicks(stat)).isEqualTo(1290);
    }

    @Test
    void countsFieldsFromTheLastParenthesisSoACommandNameWithSpacesDoesNotShiftThem() {
        // Given: a thread or process named "a) (b c", as prctl allows
        String stat = "77 (a) (b c) R 1 77 77 0 -1 0 0 0 0 0 10 20 0 0 20 0 1 0 5 0 0";

        // Then
        assertThat(ProcStats.cpuTicks(stat)).isEqualTo(30);
    }

    @Test
    void refusesATruncatedStatLine() {
        assertThatThrownBy(() -> ProcStats.cpuTicks("77 (java) S 1 77"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("a /proc/<pid>/stat line has at least 15 fields, but this has 5");
    }

    @Test
    void readsItsOwnProcess() throws Exception {
        // Given: this JVM, on Linux
        long pid = ProcessHandle.current().pid();
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isDirectory(java.nio.file.Path.of("/proc",
                Long.toString(pid))), "needs Linux's /proc");

        // Then
        ProcStats.Memory memory = ProcStats.memory(pid);
        assertThat(memory.rssKb()).isPositive();
        assertThat(memory.hwmKb()).isGreaterThanOrEqualTo(memory.rssKb());
        assertThat(ProcStats.cpuTicks(pid)).isPositive();
    }
}
