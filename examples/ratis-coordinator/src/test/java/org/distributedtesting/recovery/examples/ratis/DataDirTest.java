package org.distributedtesting.recovery.examples.ratis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.stream.Stream;
import org.distributedtesting.recovery.Action.Artifact;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirTest {

    @TempDir
    Path root;

    @Test
    void twoMovesInOneMillisecondGetDistinctBackupNames() throws Exception {
        DataDir dir = new DataDir(root);
        Clock clock = Clock.fixed(Instant.parse("2030-01-02T03:04:05Z"), ZoneOffset.UTC);
        Files.createDirectories(dir.snapshotsDir());
        Files.writeString(dir.snapshotsDir().resolve("a"), "1");
        Path first = dir.moveAside(Artifact.SNAPSHOTS, clock).orElseThrow();
        Files.createDirectories(dir.snapshotsDir());
        Files.writeString(dir.snapshotsDir().resolve("a"), "2");
        Path second = dir.moveAside(Artifact.SNAPSHOTS, clock).orElseThrow();

        assertThat(first.getFileName()).hasToString("snapshots-20300102T030405.000Z");
        assertThat(second.getFileName()).hasToString("snapshots-20300102T030405.000Z-1");
        assertThat(second.resolve("a")).hasContent("2");
    }

    @Test
    void purgingBackupsKeepsTheNewestOfEachArtifact() throws Exception {
        DataDir dir = new DataDir(root);
        for (String name : new String[] {"database-20300101T000000.000Z", "database-20300103T000000.000Z",
                "database-20300102T000000.000Z", "log-20300101T000000.000Z"}) {
            Files.createDirectories(dir.backupsDir().resolve(name));
            Files.writeString(dir.backupsDir().resolve(name).resolve("f"), name);
        }

        assertThat(dir.purgeBackups(2)).extracting(p -> p.getFileName().toString())
                .containsExactly("database-20300101T000000.000Z");
        try (Stream<Path> left = Files.list(dir.backupsDir())) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(
                    "database-20300103T000000.000Z", "database-20300102T000000.000Z", "log-20300101T000000.000Z");
        }
        assertThatThrownBy(() -> dir.purgeBackups(0)).hasMessage("keep must be >= 1, but was 0");
    }

    @Test
    void theFencingFileLiesBesideTheArtifactsSoNoRepairMovesIt() throws Exception {
        DataDir dir = new DataDir(root);
        Clock clock = Clock.fixed(Instant.parse("2030-01-02T03:04:05Z"), ZoneOffset.UTC);
        dir.createDirectories();
        Files.writeString(dir.fencingFile(), "5\n");
        for (Artifact artifact : Artifact.values()) {
            Files.writeString(dir.artifactPath(artifact).resolve("f"), artifact.name());
            dir.moveAside(artifact, clock);
        }

        assertThat(dir.fencingFile()).isEqualTo(root.toAbsolutePath().resolve("fencing-epoch"));
        assertThat(Files.readString(dir.fencingFile())).isEqualTo("5\n");
    }
}
