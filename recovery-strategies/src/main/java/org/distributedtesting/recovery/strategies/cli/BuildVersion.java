package org.distributedtesting.recovery.strategies.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * {@code --version}: the version this build was made from, as the pom says ({@code project.version}), read from
 * {@value #RESOURCE}, which Maven's resource filtering writes.
 *
 * <p>Stateless and thread-safe.
 */
final class BuildVersion implements IVersionProvider {

    /** The filtered resource, next to this class. */
    static final String RESOURCE = "version.properties";

    /**
     * The project's version, such as {@code 0.1.0-SNAPSHOT}.
     *
     * @throws IllegalStateException if the resource is missing or was not filtered (a build that skipped Maven's
     *                               resources phase)
     */
    static String version() {
        Properties properties = new Properties();
        try (InputStream in = BuildVersion.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing next to " + BuildVersion.class.getName()
                        + ": build with Maven, which writes it");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
        String version = properties.getProperty("version", "");
        if (version.isBlank() || version.contains("${")) {
            throw new IllegalStateException(RESOURCE + " holds no version but '" + version + "': build with Maven,"
                    + " which filters it");
        }
        return version;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"coordinator-recovery " + version()};
    }
}
