package org.distributedtesting.recovery.examples.ratis.harness;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a JVM the harness starts (a node, its maintenance tool, the daemon): this JVM's {@code java}
 * with a heap bound and the flags that keep several small JVMs cheap on a small machine.
 *
 * <p>Stateless and thread-safe.
 */
final class ChildJvm {

    /** Serial GC and no C2: a quicker start and less CPU for the many JVMs one run starts. */
    private static final List<String> FLAGS = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    private ChildJvm() {
    }

    /** {@code java}, then {@code heap} (such as {@code -Xmx128m}), the flags, and {@code rest}. */
    static List<String> command(String heap, List<String> rest) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add(heap);
        command.addAll(FLAGS);
        command.addAll(rest);
        return List.copyOf(command);
    }
}
