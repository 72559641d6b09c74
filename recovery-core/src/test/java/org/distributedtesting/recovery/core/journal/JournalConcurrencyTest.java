package org.distributedtesting.recovery.core.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.distributedtesting.recovery.JournalRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalConcurrencyTest {

    private static final int THREADS = 8;
    private static final int RECORDS_PER_THREAD = 40;
    private static final Duration BOUND = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void concurrentAppendsFromEightThreadsWriteCompleteLinesInEachThreadsOrder() throws Exception {
        // Given one journal shared by eight threads that start together
        Path file = dir.resolve(FileRecoveryJournal.JOURNAL_FILE_NAME);
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<JournalRecord> inMemory;
        try (FileRecoveryJournal journal = FileRecoveryJournal.open(dir)) {
            List<Future<?>> writers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                String writer = "writer-" + t;
                writers.add(pool.submit(() -> {
                    assertThat(start.await(BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
                    for (int seq = 0; seq < RECORDS_PER_THREAD; seq++) {
                        // lines of different lengths, some over a page, so interleaved bytes would show
                        journal.append(new JournalRecord(Instant.now(), "restart_node",
                                Map.of("writer", writer, "seq", seq, "padding", "x".repeat(seq * 120))));
                    }
                    return null;
                }));
            }

            // When they all append at once
            start.countDown();
            for (Future<?> writer : writers) {
                writer.get(BOUND.toSeconds(), TimeUnit.SECONDS);
            }
            inMemory = journal.records();
        } finally {
            pool.shutdownNow();
        }

        // Then every line of the file is one whole record, and each writer's records are in its order
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(THREADS * RECORDS_PER_THREAD)
                .allSatisfy(line -> assertThat(line).startsWith("{\"timestamp\":").endsWith("}}"));
        List<JournalRecord> read = FileRecoveryJournal.read(file);
        assertThat(read).isEqualTo(inMemory);
        Map<Object, List<Object>> seqsByWriter = read.stream().collect(Collectors.groupingBy(
                r -> r.details().get("writer"), Collectors.mapping(r -> r.details().get("seq"), Collectors.toList())));
        List<Object> expectedSeqs = LongStream.range(0, RECORDS_PER_THREAD).boxed().collect(Collectors.toList());
        assertThat(seqsByWriter).hasSize(THREADS).allSatisfy((writer, seqs) ->
                assertThat(seqs).as(String.valueOf(writer)).isEqualTo(expectedSeqs));
    }
}
