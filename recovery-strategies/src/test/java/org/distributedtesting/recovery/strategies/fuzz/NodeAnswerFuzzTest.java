package org.distributedtesting.recovery.strategies.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeSpec;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.RecoveryOptions;
import org.distributedtesting.recovery.Role;
import org.distributedtesting.recovery.Settings;
import org.distributedtesting.recovery.StateChecksum;
import org.distributedtesting.recovery.core.RecoveryEngine;
import org.distributedtesting.recovery.core.http.NodeText;
import org.distributedtesting.recovery.core.http.ProtocolException;
import org.distributedtesting.recovery.core.http.client.HttpNodeProbe;
import org.distributedtesting.recovery.strategies.BuiltInStrategies;
import org.junit.jupiter.api.Test;

/**
 * Generated status answers of one node (wrong types, extreme numbers, control characters, deep nesting, huge
 * strings, missing and unknown members, broken bytes), with a fixed seed, served on loopback and read by the
 * daemon's real {@link HttpNodeProbe}: it either reads each one or refuses it with a {@link ProtocolException}
 * (nothing else escapes), every string it reads is printable, and an
 * engine with all ten strategies, watching that node beside two healthy ones for ten cycles, never acts on a node
 * other than the one that sent the answer: what one node says can make it the patient, never the model. The one
 * exception is designed: after a repair of the sender's data, the leader steps down so that a new leader tracks the
 * repaired node's replication afresh.
 */
class NodeAnswerFuzzTest {

    static final int ANSWERS = 1_000;
    static final long SEED = 20261207L;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final NodeId ODD = NodeId.of("node-3");
    private static final String DEEP = "@@deep@@";
    private static final Instant START = Instant.parse("2026-12-07T00:00:00Z");

    /** The healthy follower's answer the generator mutates. */
    private static final String BASE = "{\"node_id\":\"node-3\",\"role\":\"follower\",\"term\":5,"
            + "\"leader_id\":\"node-1\",\"commit_index\":100,\"applied_index\":100,\"last_log_index\":100,"
            + "\"state_checksum\":{\"value\":\"c0ffee\",\"index\":100},\"voter\":true,"
            + "\"resources\":{\"cpu_load\":0.1,\"memory_used\":100,\"memory_limit\":1000,\"disk_used\":10,"
            + "\"disk_limit\":100,\"open_files\":10,\"file_limit\":1024},"
            + "\"operations\":[{\"id\":\"op-1\",\"kind\":\"apply\",\"started_at\":\"2026-12-07T00:00:00Z\"}],"
            + "\"queue_depth\":0,\"integrity\":{\"database\":{\"status\":\"ok\",\"detail\":\"fine\"},"
            + "\"log\":{\"status\":\"ok\"}},\"peers\":{\"node-1\":true,\"node-2\":true},"
            + "\"elections_started\":1,\"elections_paused\":false}";

    @Test
    void noGeneratedAnswerEscapesTheParserOrLeadsToAnActionOnAnotherNode() throws Exception {
        Random random = new Random(SEED);
        List<String> problems = new ArrayList<>();
        int read = 0;
        int refused = 0;
        AtomicReference<byte[]> served = new AtomicReference<>();
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread serving = new Thread(() -> serve(server, served), "fuzz-node-3");
        serving.setDaemon(true);
        serving.start();
        NodeSpec odd = NodeSpec.of(ODD.value(), "127.0.0.1", server.getLocalPort(), Path.of("/srv/node-3"));
        try (HttpNodeProbe probe = HttpNodeProbe.builder().build()) {
            for (int i = 0; i < ANSWERS; i++) {
                byte[] answer = answer(random);
                served.set(answer);
                Optional<NodeStatus> status;
                try {
                    status = Optional.of(probe.probe(odd, Duration.ofSeconds(5)));
                    read++;
                } catch (ProtocolException e) {
                    status = Optional.empty();
                    refused++;
                    if (!NodeText.isPrintable(e.getMessage())) {
                        problems.add("answer " + i + ": a refusal that is not printable: " + e.getMessage());
                    }
                } catch (IOException | RuntimeException e) {
                    problems.add("answer " + i + ": " + e + " escaped the parser for " + shown(answer));
                    continue;
                }
                status.filter(s -> !printable(s)).ifPresent(s -> problems.add("answer read with raw text: " + s));
                List<Action> elsewhere = actionsOnOtherNodes(status);
                if (!elsewhere.isEmpty()) {
                    problems.add("answer " + i + " " + shown(answer) + " led to " + elsewhere);
                }
            }
        } finally {
            server.close();
        }
        System.out.printf("node answer fuzz seed %d: %d answers, %d read, %d refused, %d problems%n", SEED,
                ANSWERS, read, refused, problems.size());
        assertThat(problems).isEmpty();
        assertThat(read).as("answers read").isGreaterThan(ANSWERS / 20);
        assertThat(refused).as("answers refused").isGreaterThan(ANSWERS / 10);
    }

    /** Answers every request on {@code server} with 200 and the bytes {@code served} holds, until it is closed. */
    private static void serve(ServerSocket server, AtomicReference<byte[]> served) {
        while (!server.isClosed()) {
            try (Socket connection = server.accept()) {
                connection.setSoTimeout(5_000);
                InputStream in = connection.getInputStream();
                int matched = 0;
                byte[] end = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
                while (matched < end.length) {
                    int b = in.read();
                    if (b < 0) {
                        break;
                    }
                    matched = b == end[matched] ? matched + 1 : (b == end[0] ? 1 : 0);
                }
                byte[] body = served.get();
                OutputStream out = connection.getOutputStream();
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
            } catch (IOException e) {
                // closed at the end of the test, or a client that hung up: the next one, if any
            }
        }
    }

    /** Ten cycles of an engine with every built-in strategy; node-3 answers {@code odd} (or not at all). */
    private static List<Action> actionsOnOtherNodes(Optional<NodeStatus> odd) throws Exception {
        List<NodeSpec> nodes = List.of(NodeSpec.of("node-1", "127.0.0.1", 7001, Path.of("/srv/node-1")),
                NodeSpec.of("node-2", "127.0.0.1", 7002, Path.of("/srv/node-2")),
                NodeSpec.of("node-3", "127.0.0.1", 7003, Path.of("/srv/node-3")));
        List<Action> actions = new CopyOnWriteArrayList<>();
        ManualClock clock = new ManualClock(START);
        try (RecoveryEngine engine = RecoveryEngine.builder().nodes(nodes)
                .probe((node, deadline) -> {
                    if (!node.id().equals(ODD)) {
                        return healthy(node.id());
                    }
                    return odd.orElseThrow(() -> new ProtocolException("the generated answer was refused"));
                })
                .control(action -> {
                    actions.add(action);
                    return new ActionResult.Done("done by the fuzz test's control", Map.of());
                })
                .strategies(new BuiltInStrategies().strategies(name -> Settings.EMPTY))
                .options(RecoveryOptions.defaults()).clock(clock).sleeper(clock::advance).build()) {
            for (int cycle = 0; cycle < 10; cycle++) {
                engine.runCycle();
                clock.advance(Duration.ofSeconds(1));
            }
        }
        // the one designed exception: once node-3's data was repaired, the leader steps down so that a new leader
        // tracks node-3's replication afresh (OfflineRepair.stepDownLeader); it costs one election per repair
        // attempt, which the attempt budget bounds
        List<Action> elsewhere = new ArrayList<>();
        boolean repairedOdd = false;
        for (Action action : actions) {
            if (action.node().equals(ODD)) {
                repairedOdd |= action.kind().onData();
            } else if (!(repairedOdd && action instanceof Action.StepDown)) {
                elsewhere.add(action);
            }
        }
        return elsewhere;
    }

    private static NodeStatus healthy(NodeId id) {
        boolean leader = id.value().equals("node-1");
        return NodeStatus.builder().role(leader ? Role.LEADER : Role.FOLLOWER).term(5).leader(NodeId.of("node-1"))
                .commitIndex(100).appliedIndex(100).lastLogIndex(100).stateChecksum(new StateChecksum("c0ffee", 100))
                .peerReachability(Map.of(NodeId.of("node-1"), true, NodeId.of("node-2"), true, ODD, true)).build();
    }

    /** A healthy follower's answer with one to three mutations, or with its bytes broken. */
    static byte[] answer(Random random) throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(BASE);
        int mutations = 1 + random.nextInt(3);
        for (int m = 0; m < mutations; m++) {
            mutate(root, random);
        }
        // nesting deeper than a JSON writer allows is spliced in as text
        String text = JSON.writeValueAsString(root);
        java.util.regex.Matcher deep = java.util.regex.Pattern.compile("\"" + DEEP + "(\\d+)" + DEEP + "\"")
                .matcher(text);
        StringBuilder spliced = new StringBuilder();
        while (deep.find()) {
            int depth = Integer.parseInt(deep.group(1));
            deep.appendReplacement(spliced, "[".repeat(depth) + "1" + "]".repeat(depth));
        }
        deep.appendTail(spliced);
        byte[] bytes = spliced.toString().getBytes(StandardCharsets.UTF_8);
        return random.nextInt(10) == 0 ? breakBytes(bytes, random) : bytes;
    }

    private static void mutate(ObjectNode root, Random random) {
        List<ObjectNode> objects = new ArrayList<>();
        collect(root, objects);
        ObjectNode target = objects.get(random.nextInt(objects.size()));
        List<String> names = new ArrayList<>();
        target.fieldNames().forEachRemaining(names::add);
        String name = names.isEmpty() || random.nextInt(8) == 0
                ? pick(random, "unknown_member", "leader_id", "term", "peers", "operations", "node_id")
                : names.get(random.nextInt(names.size()));
        if (random.nextInt(10) == 0) {
            target.remove(name);
        } else {
            target.set(name, value(random, 0));
        }
    }

    private static void collect(JsonNode node, List<ObjectNode> into) {
        if (node instanceof ObjectNode object) {
            into.add(object);
        }
        node.elements().forEachRemaining(child -> collect(child, into));
    }

    private static JsonNode value(Random random, int depth) {
        return switch (random.nextInt(14)) {
            case 0 -> F.numberNode(Long.MAX_VALUE);
            case 1 -> F.numberNode(Long.MIN_VALUE);
            case 2 -> F.numberNode(BigInteger.TWO.pow(64 + random.nextInt(64)));
            case 3 -> F.numberNode(random.nextBoolean() ? 1e308 : -1.5);
            case 4 -> F.numberNode(random.nextInt(7) - 3);
            case 5 -> F.textNode(pick(random, "node-1", "node-2", "node-3", "node-9", "", " ", "leader", "LEADER",
                    "failed", "ok"));
            case 6 -> F.textNode(pick(random, "node-1\n2026-12-07T00:00:00Z  RECOVERED  process_crash:node-2",
                    "\u001b[31mred\u001b[0m", "nul\u0000byte", "rtl\u202eevil", "tab\tand\rreturn", "del\u007f"));
            case 7 -> F.textNode("x".repeat(1 + random.nextInt(200_000)));
            case 8 -> F.booleanNode(random.nextBoolean());
            case 9 -> F.nullNode();
            case 10 -> F.textNode(DEEP + random.nextInt(3_000) + DEEP); // written as nested arrays, see answer()
            case 11 -> {
                ArrayNode array = F.arrayNode();
                int size = random.nextInt(4);
                for (int i = 0; i < size && depth < 3; i++) {
                    array.add(value(random, depth + 1));
                }
                yield array;
            }
            case 12 -> {
                ObjectNode object = F.objectNode();
                int size = random.nextInt(4);
                for (int i = 0; i < size && depth < 3; i++) {
                    object.set(pick(random, "node-1", "node-3", "status", "detail", "value", "index", "id", "kind",
                            "started_at", "a\nb"), value(random, depth + 1));
                }
                yield object;
            }
            default -> F.textNode(pick(random, "2026-12-07T00:00:00Z", "yesterday", "1e3", "-0"));
        };
    }


    private static byte[] breakBytes(byte[] bytes, Random random) {
        byte[] copy = bytes.clone();
        switch (random.nextInt(3)) {
            case 0 -> {
                return java.util.Arrays.copyOf(copy, random.nextInt(copy.length));
            }
            case 1 -> copy[random.nextInt(copy.length)] = (byte) random.nextInt(256);
            default -> {
                return (new String(copy, StandardCharsets.UTF_8) + pick(random, "}", " trailing", ",{}"))
                        .getBytes(StandardCharsets.UTF_8);
            }
        }
        return copy;
    }

    private static String pick(Random random, String... choices) {
        return choices[random.nextInt(choices.length)];
    }

    private static boolean printable(NodeStatus status) {
        return NodeText.isPrintable(status.database().detail()) && NodeText.isPrintable(status.log().detail())
                && status.operations().stream().allMatch(o -> NodeText.isPrintable(o.id())
                        && NodeText.isPrintable(o.kind()))
                && status.stateChecksum().map(c -> NodeText.isPrintable(c.value())).orElse(true);
    }

    private static String shown(byte[] answer) {
        String text = new String(answer, StandardCharsets.UTF_8);
        return NodeText.printable(text, 300);
    }

    /** A clock the test moves; the engine's waits move it too. */
    private static final class ManualClock extends Clock {
        private Instant now;

        ManualClock(Instant start) {
            this.now = start;
        }

        synchronized void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public synchronized Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
