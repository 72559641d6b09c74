package org.distributedtesting.recovery.strategies.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogFileTest {

    @TempDir
    Path dir;

    @Test
    void whatReachesStderrIsAppendedToTheFileAsWellUntilClosed() throws Exception {
        // Given a stderr to watch, and a log file from an earlier run
        PrintStream original = System.err;
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        PrintStream watched = new PrintStream(stderr, true, StandardCharsets.UTF_8);
        Path file = Files.writeString(dir.resolve("recovery.log"), "earlier\n");
        System.setErr(watched);
        try {
            // When a line is logged while the log file is open, and another after it is closed
            try (LogFile logFile = LogFile.open(file)) {
                System.err.println("while open");
            }
            System.err.println("after close");

            // Then stderr got both, the file the first after its earlier line, and stderr is the old one again
            assertThat(System.err).isSameAs(watched);
        } finally {
            System.setErr(original);
        }
        assertThat(stderr.toString(StandardCharsets.UTF_8).lines()).containsExactly("while open", "after close");
        assertThat(Files.readAllLines(file)).containsExactly("earlier", "while open");
    }
}
