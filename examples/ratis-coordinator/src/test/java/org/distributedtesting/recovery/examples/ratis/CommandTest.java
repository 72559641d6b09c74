package org.distributedtesting.recovery.examples.ratis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class CommandTest {

    static List<Command> commands() {
        return List.of(new Command.SubmitTask("t-1", "run suite ü"), new Command.RegisterWorker("w-1"),
                new Command.AssignTask("w-1"), new Command.CompleteTask("t-1", "w-1", ""));
    }

    @ParameterizedTest
    @MethodSource("commands")
    void decodesWhatItEncodes(Command command) {
        assertThat(Command.decode(command.encode())).isEqualTo(command);
    }

    @Test
    void rejectsBytesThatAreNoCommand() {
        assertThatThrownBy(() -> Command.decode(new byte[] {9, 1})).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("command version must be 1, but was 9");
        assertThatThrownBy(() -> Command.decode(new byte[] {1, 42})).hasMessage("unknown command opcode 42");
        byte[] trailing = java.util.Arrays.copyOf(new Command.RegisterWorker("w").encode(), 6);
        assertThatThrownBy(() -> Command.decode(trailing)).hasMessageEndingWith("bytes after the command");
        assertThatThrownBy(() -> Command.decode(new byte[] {1, 1, 0})).hasMessageStartingWith("not a command");
    }

    @Test
    void rejectsBlankIds() {
        assertThatThrownBy(() -> new Command.SubmitTask(" ", "p")).hasMessage("taskId must not be blank");
        assertThatThrownBy(() -> new Command.AssignTask("")).hasMessage("workerId must not be blank");
    }
}
