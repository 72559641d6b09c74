package org.distributedtesting.recovery.core.supervise;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.ProcessStatus;
import org.distributedtesting.recovery.spi.ProcessSupervisor;

/** A fake supervisor: reports a status the test sets, and records the calls it gets. Not thread-safe. */
final class RecordingSupervisor implements ProcessSupervisor {

    final List<String> calls = new ArrayList<>();
    private ProcessStatus status;
    private final ProcessStatus afterStart;

    RecordingSupervisor(ProcessStatus status, ProcessStatus afterStart) {
        this.status = status;
        this.afterStart = afterStart;
    }

    @Override
    public ProcessStatus status(NodeSpec node) {
        calls.add("status " + node.id());
        return status;
    }

    @Override
    public ProcessStatus start(NodeSpec node) {
        calls.add("start " + node.id());
        status = afterStart;
        return afterStart;
    }

    @Override
    public void stop(NodeSpec node, Duration grace) {
        calls.add("stop " + node.id() + " " + grace);
        status = ProcessStatus.exited(status.pid().orElse(0), 143);
    }
}
