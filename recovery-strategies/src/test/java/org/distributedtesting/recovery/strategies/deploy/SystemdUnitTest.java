package org.distributedtesting.recovery.strategies.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The shipped unit, {@code docs/deploy/coordinator-recovery.service}, as operators get it: {@code systemd-analyze
 * verify} (Debian's package {@code systemd}) accepts it without a word, and says something about a broken one.
 * verify exits 0 for most mistakes (an unknown key, a value it cannot parse: "..., ignoring"), so silence is the
 * bar, not the exit code.
 */
class SystemdUnitTest {

    private static final String UNIT_NAME = "coordinator-recovery.service";
    /** The Java the unit runs; verify checks that ExecStart's program exists. */
    private static final String UNIT_JAVA = "/usr/bin/java";

    @TempDir
    Path dir;

    @Test
    void systemdAnalyzeVerifyAcceptsTheShippedUnitWithoutAWord() throws Exception {
        Verify result = verify(shippedUnit());

        assertThat(result.output()).as("systemd-analyze verify said").isEmpty();
        assertThat(result.exitCode()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "a misspelt key        | Restart=on-failure  | Restrat=on-failure",
        "a value it cannot parse | KillMode=process  | KillMode=proces",
        "a bad time            | TimeoutStopSec=150s | TimeoutStopSec=soon",
        "a missing program     | ExecStart=/usr/bin/java | ExecStart=/nonexistent/java",
        "a misspelt section    | [Service]           | [Servce]"})
    void systemdAnalyzeVerifySpeaksUpAboutABrokenUnit(String breakage, String line, String broken) throws Exception {
        // Given the shipped unit with the start of one line broken
        String unit = shippedUnit();
        assertThat(unit).contains("\n" + line);

        // When
        Verify result = verify(unit.replaceFirst("\n" + Pattern.quote(line), "\n" + Matcher.quoteReplacement(broken)));

        // Then the check the shipped unit passes fails
        assertThat(result.output()).as(breakage).isNotEmpty();
    }

    @Test
    void theUnitRunsTheDaemonJarAsADedicatedUserAndLeavesTheNodesRunningWhenItStops() throws Exception {
        List<String> lines = shippedUnit().lines().toList();

        assertThat(lines).contains("Type=exec", "User=coordinator-recovery", "Group=coordinator-recovery",
                "Restart=on-failure", "RestartSec=5s", "KillMode=process", "SuccessExitStatus=143",
                "NoNewPrivileges=yes", "ProtectSystem=strict", "ReadWritePaths=/var/lib/coordinator-recovery",
                "WorkingDirectory=/var/lib/coordinator-recovery", "PrivateTmp=yes", "ProtectHome=yes");
        assertThat(lines).filteredOn(l -> l.startsWith("ExecStart=")).singleElement().asString()
                .startsWith("ExecStart=" + UNIT_JAVA + " ")
                .contains(" -jar /opt/coordinator-recovery/recovery.jar ",
                        " --config /etc/coordinator-recovery/cluster.json ", " --daemon");
        // a JIT compiler needs memory that is written and then executed
        assertThat(lines).noneMatch(l -> l.startsWith("MemoryDenyWriteExecute"));
    }

    @Test
    void theReadmeInstallsWhatTheUnitRuns() throws IOException {
        String readme = Files.readString(repositoryRoot().resolve("README.md"));
        String install = readme.substring(readme.indexOf("## Install as a systemd service"));
        install = install.substring(0, install.indexOf("\n## ", 1));

        assertThat(install).contains("useradd --system", "/opt/coordinator-recovery/recovery.jar",
                "/etc/coordinator-recovery/cluster.json", "docs/deploy/" + UNIT_NAME,
                "/etc/systemd/system/" + UNIT_NAME, "systemctl daemon-reload",
                "systemctl enable --now coordinator-recovery", "journalctl -u coordinator-recovery");
    }

    /** What verify said (stdout and stderr together) and its exit code. */
    private record Verify(String output, int exitCode) {
    }

    /**
     * Runs {@code systemd-analyze verify} on {@code unit}, written to a directory of its own under the unit's name.
     * Only where this machine has no {@value #UNIT_JAVA} is ExecStart's program replaced by the Java running this
     * test: verify checks that the program exists, and the unit names Debian's path.
     */
    private Verify verify(String unit) throws IOException, InterruptedException {
        String analyze = systemdAnalyze();
        if (!Files.isExecutable(Path.of(UNIT_JAVA))) {
            unit = unit.replace("ExecStart=" + UNIT_JAVA + " ", "ExecStart="
                    + Path.of(System.getProperty("java.home"), "bin", "java") + " ");
        }
        Path file = Files.writeString(dir.resolve(UNIT_NAME), unit);
        Path output = dir.resolve("verify.out");
        Process process = new ProcessBuilder(analyze, "verify", "--recursive-errors=no", file.toString())
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("systemd-analyze verify still running after 60 s");
        }
        return new Verify(Files.readString(output, StandardCharsets.UTF_8).strip(), process.exitValue());
    }

    private static String systemdAnalyze() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "systemd-analyze");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new AssertionError("systemd-analyze is not installed: it checks the shipped systemd unit. Install"
                + " Debian's package systemd (apt-get install systemd); .ci/run does so when it is missing");
    }

    private static String shippedUnit() throws IOException {
        return Files.readString(repositoryRoot().resolve("docs").resolve("deploy").resolve(UNIT_NAME));
    }

    private static Path repositoryRoot() {
        String root = System.getProperty("repository.root");
        assertThat(root).as("repository.root, set by the pom's surefire configuration").isNotBlank();
        return Path.of(root);
    }
}
