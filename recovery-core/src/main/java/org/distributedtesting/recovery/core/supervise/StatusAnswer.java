package org.distributedtesting.recovery.core.supervise;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.distributedtesting.recovery.ProcessStatus;
import org.distributedtesting.recovery.ProcessStatus.Liveness;
import org.distributedtesting.recovery.SupervisionCommands;

/**
 * What a node's status command said, read from its exit code and standard output
 * ({@link CommandSupervisor}'s contract): exit code 0 running, {@value SupervisionCommands#EXIT_STOPPED} stopped,
 * anything else unknown; standard output either text (systemctl's state word, such as {@code active} or
 * {@code failed}) or one JSON object line with the optional keys {@code pid}, {@code exit_code} and
 * {@code detail}. Exit code 3 with systemd's {@code activating} or {@code deactivating} is unknown: systemd is
 * starting or stopping the unit, so a process may run. Output that breaks the contract makes the status unknown,
 * never stopped.
 *
 * <p>Stateless and thread-safe.
 */
final class StatusAnswer {

    /** The most characters of the command's own text a status detail shows. */
    static final int MAX_SHOWN_CHARS = 200;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> KEYS = List.of("pid", "exit_code", "detail");
    /** systemd's states between running and stopped, in which a process may run; systemctl exits 3 for them. */
    private static final Set<String> SYSTEMD_TRANSITIONS = Set.of("activating", "deactivating");
    private static final int MAX_EXIT_CODE = 255;

    private StatusAnswer() {
    }

    /**
     * The status a command's answer means.
     *
     * @param exitCode the status command's exit code
     * @param stdout   its standard output, at most {@link CommandSupervisor#MAX_OUTPUT_BYTES} bytes
     * @param tail     the end of what it printed, stderr's or else stdout's, redacted and printable, for an answer
     *                 outside the contract
     * @param redact   removes the control token from the command's text before it is shown
     * @param what     how the detail names the command, e.g. {@code "the status command of 'node-2'"}
     */
    static ProcessStatus of(int exitCode, String stdout, Optional<String> tail, UnaryOperator<String> redact,
                            String what) {
        List<String> lines = stdout.lines().filter(line -> !line.isBlank()).map(String::strip).toList();
        if (exitCode != 0 && exitCode != SupervisionCommands.EXIT_STOPPED) {
            return unknown(what + " exited with code " + exitCode + ", neither 0 (running) nor "
                    + SupervisionCommands.EXIT_STOPPED + " (stopped)" + tail.map(t -> "; it printed: " + t).orElse(""));
        }
        boolean running = exitCode == 0;
        if (!lines.isEmpty() && lines.get(0).startsWith("{")) {
            return fromJson(running, lines, redact, what);
        }
        String text = shown(redact.apply(String.join(" | ", lines)));
        String word = lines.isEmpty() ? "" : lines.get(0).split("\\s+", 2)[0].toLowerCase(Locale.ROOT);
        if (!running && SYSTEMD_TRANSITIONS.contains(word)) {
            return unknown(what + " says " + quoted(word) + ": the process is being started or stopped,"
                    + " so it may run");
        }
        String detail = (running ? "running" : "stopped") + (text.isEmpty() ? "" : " (" + text + ")");
        return new ProcessStatus(running ? Liveness.ALIVE : Liveness.DEAD, OptionalLong.empty(), OptionalInt.empty(),
                detail);
    }

    private static ProcessStatus fromJson(boolean running, List<String> lines, UnaryOperator<String> redact,
                                          String what) {
        if (lines.size() != 1) {
            return unknown(what + " printed " + lines.size() + " lines where one JSON line was expected"
                    + " (logs belong on stderr)");
        }
        JsonNode answer;
        try {
            answer = JSON.readTree(lines.get(0));
        } catch (JsonProcessingException e) {
            return unknown(what + " printed a line that is not JSON: " + shown(redact.apply(lines.get(0))));
        }
        if (!answer.isObject()) {
            return unknown(what + " printed JSON that is not an object: " + shown(redact.apply(lines.get(0))));
        }
        for (Iterator<String> names = answer.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!KEYS.contains(name)) {
                return unknown(what + " printed the unknown key " + quoted(redact.apply(name))
                        + "; the keys are pid, exit_code and detail");
            }
        }
        JsonNode pid = answer.path("pid");
        if (!pid.isMissingNode() && !(pid.canConvertToExactIntegral() && pid.canConvertToLong() && pid.asLong() > 0)) {
            return unknown(what + " printed a pid that is not a whole number > 0: " + shown(redact.apply(
                    pid.toString())));
        }
        JsonNode exit = answer.path("exit_code");
        if (!exit.isMissingNode() && !(exit.canConvertToExactIntegral() && exit.canConvertToInt()
                && exit.asInt() >= 0 && exit.asInt() <= MAX_EXIT_CODE)) {
            return unknown(what + " printed an exit_code that is not a whole number in 0..255: "
                    + shown(redact.apply(exit.toString())));
        }
        JsonNode detail = answer.path("detail");
        if (!detail.isMissingNode() && !detail.isTextual()) {
            return unknown(what + " printed a detail that is not a string: " + shown(redact.apply(detail.toString())));
        }
        String text = detail.isTextual() ? shown(redact.apply(detail.textValue())) : "";
        OptionalLong processId = pid.isMissingNode() ? OptionalLong.empty() : OptionalLong.of(pid.asLong());
        OptionalInt exitCode = exit.isMissingNode() || running ? OptionalInt.empty() : OptionalInt.of(exit.asInt());
        String said = (running ? "running" : "stopped")
                + exitCode.stream().mapToObj(c -> " with exit code " + c).findFirst().orElse("")
                + (text.isEmpty() ? "" : " (" + text + ")");
        return new ProcessStatus(running ? Liveness.ALIVE : Liveness.DEAD, processId, exitCode, said);
    }

    /** An unknown status with a reason. */
    static ProcessStatus unknown(String detail) {
        return new ProcessStatus(Liveness.UNKNOWN, OptionalLong.empty(), OptionalInt.empty(), detail);
    }

    /** The command's text as one printable line of at most {@value #MAX_SHOWN_CHARS} characters. */
    static String shown(String text) {
        String escaped = OutputTail.escape(text);
        return escaped.length() <= MAX_SHOWN_CHARS ? escaped : escaped.substring(0, MAX_SHOWN_CHARS) + "...";
    }

    private static String quoted(String value) {
        return "'" + shown(value) + "'";
    }
}
