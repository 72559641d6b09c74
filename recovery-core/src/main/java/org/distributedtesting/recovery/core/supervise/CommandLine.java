package org.distributedtesting.recovery.core.supervise;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.distributedtesting.recovery.NodeSpec;

/**
 * Turns a node's configured start or maintenance command into the arguments of its process, and back into one line for logs.
 *
 * <p>Stateless and thread-safe.
 */
final class CommandLine {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(id|host|port|data_dir)}");
    /** A maintenance command's placeholders: the node's, and the daemon's fencing epoch. */
    private static final Pattern MAINTENANCE_PLACEHOLDER = Pattern.compile("\\{(id|host|port|data_dir|epoch)}");

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
        return template.stream()
                .map(argument -> PLACEHOLDER.matcher(argument).replaceAll(match ->
                        Matcher.quoteReplacement(value(match.group(1), node, absoluteDataDir, 0))))
                .toList();
    }

    /**
     * The node's maintenance command with the node's placeholders replaced, and {@code {epoch}} with
     * {@code epoch} (0 when the daemon has none), as {@link #of}.
     */
    static List<String> maintenance(NodeSpec node, Path absoluteDataDir, long epoch) {
        return node.maintenanceCommand().stream()
                .map(argument -> MAINTENANCE_PLACEHOLDER.matcher(argument).replaceAll(match ->
                        Matcher.quoteReplacement(value(match.group(1), node, absoluteDataDir, epoch))))
                .toList();
    }

    /** The command as a shell would need it typed, so that a logged line can be read back unambiguously. */
    static String render(List<String> command) {
        return command.stream().map(CommandLine::quoted).collect(Collectors.joining(" "));
    }

    private static String value(String placeholder, NodeSpec node, Path absoluteDataDir, long epoch) {
        return switch (placeholder) {
            case "epoch" -> Long.toString(epoch);
            case "id" -> node.id().value();
            case "host" -> node.host();
            case "port" -> Integer.toString(node.port());
            case "data_dir" -> absoluteDataDir.toString();
            default -> throw new IllegalStateException("placeholder pattern and values disagree on " + placeholder);
        };
    }

    private static String quoted(String argument) {
        boolean plain = !argument.isEmpty() && argument.chars().allMatch(c ->
                Character.isLetterOrDigit(c) || "-_./:=,+@%{}".indexOf(c) >= 0);
        return plain ? argument : "'" + argument.replace("'", "'\\''") + "'";
    }
}
