package org.distributedtesting.recovery.core.http;

import static org.distributedtesting.recovery.core.http.StatusServer.respond;
import static org.distributedtesting.recovery.core.http.StatusServer.utf8;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.ClusterHistory;
import org.distributedtesting.recovery.ClusterSnapshot;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeObservation;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.RungResult;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.Severity;
import org.distributedtesting.recovery.core.LadderStrategy;
import org.distributedtesting.recovery.core.RecoveryEngine;
import org.distributedtesting.recovery.core.http.client.HttpNodeControl;
import org.distributedtesting.recovery.core.http.client.HttpNodeProbe;
import org.distributedtesting.recovery.core.http.server.NodeProtocolServer;
import org.distributedtesting.recovery.core.journal.FileRecoveryJournal;

/**
 * The child process of {@link TokenSecrecyTest}: runs an engine with {@link HttpNodeProbe},
 * {@link HttpNodeControl} and a {@link FileRecoveryJournal} against three nodes on loopback, all sharing the token
 * in {@code RECOVERY_CONTROL_TOKEN}, with SLF4J Simple logging at TRACE to the file the parent names:
 * <ul>
 *   <li>node-1, a {@link NodeProtocolServer} whose elections are paused until the engine resumes them;</li>
 *   <li>node-2, a hostile node that quotes the {@code Authorization} header in every control answer;</li>
 *   <li>node-3, a hostile node that quotes it in its status, which makes it unreachable.</li>
 * </ul>
 * It also sends node-1 a control request whose token is the real one wrapped in other text, which the server
 * must refuse without logging it. Prints {@code done} and exits 0.
 *
 * <p>Not thread-safe; a single-threaded program.
 */
public final class TokenSecrecyMain {

    static final String TOKEN_VARIABLE = "RECOVERY_CONTROL_TOKEN";
    private static final int CYCLES = 3;

    private TokenSecrecyMain() {
    }

    /** @param args the recovery directory */
    public static void main(String[] args) throws Exception {
        Path recoveryDir = Path.of(args[0]);
        String token = System.getenv(TOKEN_VARIABLE);
        AtomicBoolean paused = new AtomicBoolean(true);
        try (NodeProtocolServer node1 = NodeProtocolServer.builder(NodeId.of("node-1"),
                () -> NodeStatus.builder().electionsPaused(paused.get()).build())
                .control(action -> {
                    if (action instanceof Action.SetElectionsPaused elections) {
                        paused.set(elections.paused());
                        return ActionResult.Done.of("elections " + (elections.paused() ? "paused" : "resumed"));
                    }
                    return new ActionResult.Failed("only elections are controlled here");
                })
                .token(() -> token).start();
             StatusServer node2 = StatusServer.start(exchange -> {
                 String authorization = exchange.getRequestHeaders().getFirst("Authorization");
                 respond(exchange, 200, utf8(exchange.getRequestURI().getPath().equals("/api/status")
                         ? "{\"node_id\":\"node-2\",\"elections_paused\":true}"
                         : "{\"outcome\":\"done\",\"detail\":\"echo " + authorization + "\",\"data\":{\"auth\":\""
                                 + authorization + "\"}}"));
             });
             StatusServer node3 = StatusServer.start(exchange -> respond(exchange, 200, utf8("{\"role\":\""
                     + exchange.getRequestHeaders().getFirst("Authorization") + "\"}")));
             FileRecoveryJournal journal = FileRecoveryJournal.open(recoveryDir)) {
            List<NodeSpec> nodes = List.of(NodeSpec.of("node-1", "127.0.0.1", node1.port(), recoveryDir),
                    node2.node("node-2"), node3.node("node-3"));
            try (HttpNodeProbe probe = HttpNodeProbe.builder().token(() -> token).build();
                 HttpNodeControl control = HttpNodeControl.builder().nodes(nodes).token(() -> token).build();
                 RecoveryEngine engine = RecoveryEngine.builder().nodes(nodes).probe(probe).control(control)
                         .strategy(new ResumeElectionsStrategy()).journal(journal)
                         .options(RecoveryOptions.builder().probeTimeout(Duration.ofSeconds(2)).build())
                         .build()) {
                for (int i = 0; i < CYCLES; i++) {
                    engine.runCycle();
                }
            }
            try (HttpNodeControl impostor = HttpNodeControl.builder().nodes(nodes)
                    .token(() -> "x" + token + "x").build()) {
                System.out.println("impostor: " + impostor.execute(new Action.SetElectionsPaused(NodeId.of("node-1"),
                        true)).detail());
            }
            journal.saveRecoveryLog();
        }
        System.out.println("done");
    }

    /** Resumes the elections of every node that reports them paused. */
    static final class ResumeElectionsStrategy extends LadderStrategy {

        static final FailureType PAUSED_ELECTIONS = FailureType.custom("paused_elections", 500);

        ResumeElectionsStrategy() {
            super("paused_elections", PAUSED_ELECTIONS, Settings.EMPTY);
            rung("resume_elections", (failure, context) -> {
                ActionResult result = context.perform(new Action.SetElectionsPaused(failure.nodes().get(0), false),
                        "elections are paused");
                return result.done() ? RungResult.acted(result.detail()) : RungResult.failed(result.detail());
            });
        }

        @Override
        protected List<Failure> detect(ClusterSnapshot snapshot, ClusterHistory history) {
            List<Failure> failures = new ArrayList<>();
            for (NodeObservation observation : snapshot.observations().values()) {
                if (observation instanceof NodeObservation.Reachable reachable
                        && reachable.status().electionsPaused()) {
                    failures.add(new Failure(PAUSED_ELECTIONS, List.of(observation.node()), Severity.MEDIUM,
                            observation.node() + " has its elections paused", Map.of(), true));
                }
            }
            return failures;
        }
    }
}
