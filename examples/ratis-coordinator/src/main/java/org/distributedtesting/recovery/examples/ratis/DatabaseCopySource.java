package org.distributedtesting.recovery.examples.ratis;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.distributedtesting.recovery.NodeSpec;
import org.sqlite.SQLiteConfig;

/**
 * Where {@link LocalDataDirControl} gets a consistent copy of a healthy replica's database from.
 *
 * <p>Implementations must be thread-safe.
 */
@FunctionalInterface
public interface DatabaseCopySource {

    /** The node protocol's path of a database copy. */
    String DATABASE_COPY_PATH = "/api/control/database_copy";

    /**
     * Writes a consistent copy of {@code source}'s database to {@code target}, which does not exist yet.
     *
     * @throws IOException if no copy could be had; {@code target} may then hold a partial file
     */
    void copy(NodeSpec source, Path target) throws IOException, InterruptedException;

    /**
     * Downloads the copy from the source node's protocol, {@code GET http://host:port/api/control/database_copy}
     * with the control token; the node writes it with {@code VACUUM INTO}. Works across hosts. The token never
     * appears in a message.
     *
     * @param token    the control endpoints' bearer token
     * @param deadline how long the whole download may take
     */
    static DatabaseCopySource overProtocol(Supplier<String> token, Duration deadline) {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(deadline, "deadline");
        return (source, target) -> {
            HttpClient client = HttpClient.newBuilder().connectTimeout(deadline).build();
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + source.address()
                            + DATABASE_COPY_PATH))
                    .header("Authorization", "Bearer " + token.get()).timeout(deadline).GET().build();
            HttpResponse<InputStream> response;
            try {
                response = client.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream())
                        .get(deadline.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                throw new IOException("database copy from '" + source.id() + "' at " + source.address()
                        + " failed: " + e.getCause().getMessage(), e.getCause());
            } catch (TimeoutException e) {
                throw new IOException("database copy from '" + source.id() + "' timed out after "
                        + deadline.toMillis() + " ms", e);
            }
            try (InputStream body = response.body()) {
                if (response.statusCode() != 200) {
                    throw new IOException("database copy from '" + source.id() + "' answered HTTP "
                            + response.statusCode());
                }
                Files.copy(body, target, StandardCopyOption.REPLACE_EXISTING);
            }
        };
    }

    /**
     * Copies from the data directory of a node on this host ({@link NodeSpec#dataDir()}), with SQLite's
     * {@code VACUUM INTO} on a read-only connection: SQLite's file locks make the copy consistent while the source
     * node keeps applying. Only for nodes that share this machine's file system.
     */
    static DatabaseCopySource fromLocalDataDir() {
        return (source, target) -> {
            Path file = new DataDir(source.dataDir()).databaseFile();
            if (!Files.isRegularFile(file)) {
                throw new IOException("'" + source.id() + "' has no database at " + file);
            }
            SQLiteConfig config = new SQLiteConfig();
            config.setReadOnly(true);
            config.setBusyTimeout(10_000);
            try (Connection connection = config.createConnection("jdbc:sqlite:" + file);
                 PreparedStatement vacuum = connection.prepareStatement("VACUUM INTO ?")) {
                vacuum.setString(1, target.toString());
                vacuum.execute();
            } catch (SQLException e) {
                throw new IOException("copying the database of '" + source.id() + "' failed: " + e.getMessage(), e);
            }
        };
    }
}
