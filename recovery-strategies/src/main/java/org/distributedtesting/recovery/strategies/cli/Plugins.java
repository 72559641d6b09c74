package org.distributedtesting.recovery.strategies.cli;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.jar.JarFile;
import org.distributedtesting.recovery.core.config.MessageText;

/**
 * The daemon's plugin directory ({@code --plugins DIR}): every {@code *.jar} directly in it, in name order, on a
 * {@link URLClassLoader} whose parent is the daemon's own class loader, so that the strategy providers the jars
 * declare in {@code META-INF/services/org.distributedtesting.recovery.spi.RecoveryStrategyProvider} are found by the
 * same {@link java.util.ServiceLoader} discovery as the built-ins (and may replace them, as a provider on the class
 * path may). The daemon jar is run with {@code java -jar}, which ignores {@code -cp}: this is how a user's strategy
 * jar reaches it without rebuilding it.
 *
 * <p>The loader lives as long as the daemon (the strategies' classes are in it); it is never closed. Immutable and
 * thread-safe.
 */
final class Plugins {

    /** The command-line option. */
    static final String OPTION = "--plugins";

    private final Path dir;
    private final List<Path> jars;
    private final ClassLoader loader;

    private Plugins(Path dir, List<Path> jars, ClassLoader loader) {
        this.dir = dir;
        this.jars = List.copyOf(jars);
        this.loader = loader;
    }

    /**
     * Opens every jar in {@code dir} (subdirectories and other files are ignored).
     *
     * @throws IllegalArgumentException when {@code dir} is not a readable directory, holds no jar, or a jar in it
     *                                  cannot be read as one; the message names the path
     */
    static Plugins load(Path dir, ClassLoader parent) {
        return load(OPTION, dir, parent);
    }

    /**
     * As {@link #load(Path, ClassLoader)}, with messages that name the directory's origin ({@code --plugins}, or
     * the config file's {@code plugins} key).
     *
     * @throws IllegalArgumentException as {@link #load(Path, ClassLoader)}
     */
    static Plugins load(String origin, Path dir, ClassLoader parent) {
        Objects.requireNonNull(dir, "dir");
        Path absolute = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(absolute)) {
            throw new IllegalArgumentException(origin + " " + shown(dir) + ": "
                    + (Files.exists(absolute) ? "is not a directory" : "no such directory"));
        }
        List<Path> jars = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(absolute, "*.jar")) {
            for (Path entry : entries) {
                if (Files.isRegularFile(entry)) {
                    jars.add(entry);
                }
            }
        } catch (IOException | SecurityException e) {
            throw new IllegalArgumentException(origin + " " + shown(dir) + ": cannot list the directory: "
                    + e.getMessage());
        }
        if (jars.isEmpty()) {
            throw new IllegalArgumentException(origin + " " + shown(dir) + ": holds no .jar file");
        }
        jars.sort(null);
        List<URL> urls = new ArrayList<>();
        for (Path jar : jars) {
            // opened once here, so that an unreadable or damaged jar is a usage error now, not a provider that
            // silently goes missing from discovery
            try (JarFile ignored = new JarFile(jar.toFile())) {
                urls.add(jar.toUri().toURL());
            } catch (MalformedURLException e) {
                throw new IllegalArgumentException(origin + ": " + shown(jar) + ": " + e.getMessage());
            } catch (IOException | SecurityException e) {
                throw new IllegalArgumentException(origin + ": cannot read " + shown(jar) + " as a jar: "
                        + (Files.isReadable(jar) ? e.getMessage() : "permission denied"));
            }
        }
        return new Plugins(absolute, jars,
                new URLClassLoader("recovery-plugins", urls.toArray(URL[]::new), parent));
    }

    /** The class loader of the plugin jars, a child of the daemon's. */
    ClassLoader loader() {
        return loader;
    }

    private static String shown(Path path) {
        return MessageText.quote(path, 1000);
    }

    /** One line for messages: the directory and the jars loaded from it. */
    String describe() {
        return "plugins loaded from " + shown(dir) + ": "
                + String.join(", ", jars.stream().map(j -> j.getFileName().toString()).toList());
    }
}
