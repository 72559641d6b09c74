package org.distributedtesting.recovery.core.supervise;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.distributedtesting.recovery.NodeSpec;

/**
 * Turns a node's configured start, maintenance or supervision command into the arguments of its process, and back into one line for logs.
 *
 * <p>Stateless and thread-safe.
 */
final class CommandLine {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z_]+)}");

    private CommandLine() {
    }

    /**
     * The node's start command with {@code {id}}, {@code {host}}, {@code {port}} and {@code {data_dir}} replaced
     * in every argument. One pass per argument, so a value that itself looks like a placeholder stays as it is.
     */
    static List<String> of(NodeSpec node, Path absoluteDataDir) {
        return of(node.startCommand(), node, absoluteDataDir);
    }

    /** {@code template} (one of the node's commands) with the node's placeholders replaced, as {@link #of}. */
    static List<String> of(List<String> template, NodeSpec node, Path absoluteDataDir) {
        return of(template, node, absoluteDataDir, Map.of());
    }

    /**
     * {@code template} with the node's placeholders and those of {@code more} (by name without braces, such as
     * {@code grace_seconds}) replaced; any other {@code {name}} stays as it is.
     */
    static List<String> of(List<String> template, NodeSpec node, Path absoluteDataDir, Map<String, String> more) {
        return template.stream()
                .map(argument -> PLACEHOLDER.matcher(argument).replaceAll(match -> Matcher.quoteReplacement(
                        value(match.group(1), node, absoluteDataDir, more).orElse(match.group()))))
                .toList();
    }

    /**
     * The node's maintenance command with the node's placeholders replaced, and {@code {epoch}} with
     * {@code epoch} (0 when the daemon has none), as {@link #of}.
     */
    static List<String> maintenance(NodeSpec node, Path absoluteDataDir, long epoch) {
        return of(node.maintenanceCommand(), node, absoluteDataDir, Map.of("epoch", Long.toString(epoch)));
    }

    /** The command as a shell would need it typed, so that a logged line can be read back unambiguously. */
    static String render(List<String> command) {
        return command.stream().map(CommandLine::quoted).collect(Collectors.joining(" "));
    }

    private static Optional<String> value(String placeholder, NodeSpec node, Path absoluteDataDir,
                                          Map<String, String> more) {
        return switch (placeholder) {
            case "id" -> Optional.of(node.id().value());
            case "host" -> Optional.of(node.host());
            case "port" -> Optional.of(Integer.toString(node.port()));
            case "data_dir" -> Optional.of(absoluteDataDir.toString());
            default -> Optional.ofNullable(more.get(placeholder));
        };
    }

    private static String quoted(String argument) {
        boolean plain = !argument.isEmpty() && argument.chars().allMatch(c ->
                Character.isLetterOrDigit(c) || "-_./:=,+@%{}".indexOf(c) >= 0);
        return plain ? argument : "'" + argument.replace("'", "'\\''") + "'";
    }
}
