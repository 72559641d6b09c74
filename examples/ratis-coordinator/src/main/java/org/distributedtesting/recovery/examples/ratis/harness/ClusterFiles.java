package org.distributedtesting.recovery.examples.ratis.harness;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.distributedtesting.recovery.NodeSpec;

/**
 * The harness' directory and the files it writes there: the control token, the daemon's {@code cluster.json}, and
 * where each node's data, the network's hosts files, the daemon's output and its journal go.
 *
 * <pre>
 * control.token   cluster.json   node-1/ ... node-N/   network/   daemon/   recovery/recovery-journal.jsonl
 * </pre>
 *
 * <p>Thread-safe: its paths are fixed at creation; {@link #writeDaemonConfig} is called once, before the daemon
 * starts.
 */
final class ClusterFiles {

    private final Path root;
    private final boolean owned;
    private final Path tokenFile;

    private ClusterFiles(Path root, boolean owned) {
        this.root = root;
        this.owned = owned;
        this.tokenFile = root.resolve("control.token");
    }

    /**
     * Creates the directory (a new temporary one when {@code root} is null, deleted by {@link #deleteIfOwned()}) and
     * a random control token readable only by this user.
     *
     * @throws IOException if the directory or the token file cannot be created
     */
    static ClusterFiles create(Path root) throws IOException {
        boolean owned = root == null;
        ClusterFiles files = new ClusterFiles(owned ? Files.createTempDirectory("coordinator-harness-")
                : root.toAbsolutePath(), owned);
        Files.createDirectories(files.root);
        String token = HexFormat.of().formatHex(new SecureRandom().generateSeed(24));
        Files.writeString(files.tokenFile, token + "\n");
        Files.setPosixFilePermissions(files.tokenFile, PosixFilePermissions.fromString("rw-------"));
        return files;
    }

    /** The directory everything is in. */
    Path root() {
        return root;
    }

    /** The file the nodes and the daemon read the control token from. */
    Path tokenFile() {
        return tokenFile;
    }

    /** The control token; only for the harness' own control calls, never printed. */
    String token() {
        try {
            return Files.readString(tokenFile).strip();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the token file " + tokenFile + ": " + e.getMessage(), e);
        }
    }

    /** The data directory of node {@code id}. */
    Path dataDir(String id) {
        return root.resolve(id);
    }

    /** Where the network writes each node's hosts file. */
    Path networkDir() {
        return root.resolve("network");
    }

    /** Where the daemon's timeline and log go. */
    Path daemonDir() {
        return root.resolve("daemon");
    }

    /** The daemon's configuration file. */
    Path configFile() {
        return root.resolve("cluster.json");
    }

    /** The daemon's journal directory. */
    Path recoveryDir() {
        return root.resolve("recovery");
    }

    /** The daemon's journal file. */
    Path journalFile() {
        return recoveryDir().resolve(JournalEntry.FILE_NAME);
    }

    /**
     * Writes the daemon's {@link #configFile()}: every node as the daemon sees it, with the command that starts it
     * (and the one that repairs its data, if any), the journal directory, the token file and the daemon's settings.
     *
     * @throws IOException if the file cannot be written
     */
    Path writeDaemonConfig(Collection<NodeSpec> specs, Map<String, Object> recoveryOptions,
                           Map<String, Map<String, Object>> strategies) throws IOException {
        List<Map<String, Object>> nodes = new ArrayList<>();
        for (NodeSpec spec : specs) {
            Map<String, Object> node = new LinkedHashMap<>();
            node.put("id", spec.id().value());
            node.put("host", spec.host());
            node.put("port", spec.port());
            node.put("data_dir", spec.dataDir().toString());
            if (!spec.alternativeAddresses().isEmpty()) {
                node.put("alternative_addresses", spec.alternativeAddresses());
            }
            node.put("command", spec.startCommand());
            if (spec.hasMaintenanceCommand()) {
                node.put("maintenance_command", spec.maintenanceCommand());
            }
            nodes.add(node);
        }
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("nodes", nodes);
        config.put("recovery_dir", recoveryDir().toString());
        config.put("control_token_file", tokenFile.toString());
        config.put("recovery_options", recoveryOptions);
        if (!strategies.isEmpty()) {
            config.put("strategies", strategies);
        }
        Path file = configFile();
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(file.toFile(), config);
        return file;
    }

    /** Deletes the directory and everything in it, if it is a temporary one this harness created. */
    void deleteIfOwned() {
        if (!owned) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            System.err.println("could not delete " + root + ": " + e.getMessage());
        }
    }
}
