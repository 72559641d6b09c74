package org.distributedtesting.recovery.strategies.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.NodeStatus;
import org.distributedtesting.recovery.Role;
import org.distributedtesting.recovery.StateChecksum;
import org.distributedtesting.recovery.core.http.server.NodeProtocolServer;

/**
 * A stand-in coordinator node for end-to-end tests: a separate JVM that serves the node protocol through core's
 * {@link NodeProtocolServer} on 127.0.0.1 like a healthy member of a 3-node cluster (node-1 leads). With
 * {@code --hostile MODE} it plays a node that breaks the protocol on every path instead ({@link Hostility});
 * {@code --hang} is {@code --hostile hang}. With {@code --data DIR} it plays a node that does not start while
 * {@code DIR/}{@value #REFUSE_TO_START} exists: it prints the file's content on stderr and exits with code 2, as a
 * coordinator whose database does not open does. With the environment variable {@code RECOVERY_CONTROL_TOKEN} set,
 * its control endpoints require that token. With {@code --scripted} (and {@code --data}) it is a {@link ScriptedNode}:
 * its status and its answers to control actions are set at run time through files in its data directory. Usage:
 * {@code StandInNode --id node-2 --port 7002 [--data DIR] [--leader] [--scripted]
 * [--hostile hang|garbage|huge|trickle]}.
 */
public final class StandInNode {

    /** The ways a hostile stand-in breaks the protocol. */
    enum Hostility {
        /** Accepts connections, reads nothing, answers nothing: a node stuck in a deadlock. */
        HANG,
        /** Answers every request at once with 200 and a body that is not JSON. */
        GARBAGE,
        /** Answers with 200 and a body of 100 MB, sent as fast as the client reads. */
        HUGE,
        /** Answers with 200 and then one byte of body every 100 ms, without end. */
        TRICKLE;

        String argument() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final long HUNDRED_MEGABYTES = 100L * 1024 * 1024;

    /** The file in the data directory that makes the stand-in fail at its start. */
    static final String REFUSE_TO_START = "refuse-to-start";

    private StandInNode() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        String id = null;
        int port = -1;
        boolean leader = false;
        java.nio.file.Path data = null;
        Hostility hostility = null;
        java.nio.file.Path answer = null;
        boolean scripted = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--id" -> id = args[++i];
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--leader" -> leader = true;
                case "--data" -> data = java.nio.file.Path.of(args[++i]);
                case "--hang" -> hostility = Hostility.HANG;
                case "--hostile" -> hostility = Hostility.valueOf(args[++i].toUpperCase(Locale.ROOT));
                case "--answer" -> answer = java.nio.file.Path.of(args[++i]);
                case "--scripted" -> scripted = true;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (data != null && java.nio.file.Files.exists(data.resolve(REFUSE_TO_START))) {
            System.err.println(java.nio.file.Files.readString(data.resolve(REFUSE_TO_START)).strip());
            System.exit(2);
        }
        if (hostility != null) {
            serveHostile(port, hostility);
            return;
        }
        if (answer != null) {
            serveAnswer(port, answer);
            return;
        }
        NodeStatus status = NodeStatus.builder().role(leader ? Role.LEADER : Role.FOLLOWER).term(1)
                .leader(NodeId.of("node-1")).commitIndex(42).appliedIndex(42).lastLogIndex(42)
                .stateChecksum(new StateChecksum("c0ffee", 42)).build();
        if (scripted) {
            ScriptedNode.serve(NodeId.of(id), port, data, status);
            System.out.println("scripted stand-in " + id + " listening on 127.0.0.1:" + port);
            new CountDownLatch(1).await();
        }
        var server = NodeProtocolServer.builder(NodeId.of(id), () -> status).port(port);
        // as docs/node-protocol.md tells a node the daemon starts: the token is in the environment, never in argv
        String token = System.getenv("RECOVERY_CONTROL_TOKEN");
        if (token != null && !token.isBlank()) {
            server.token(() -> System.getenv("RECOVERY_CONTROL_TOKEN"));
        }
        if (data != null) {
            server.fencingFile(data.resolve("fencing-epoch")); // a restarted node still refuses a stale daemon
        }
        server.start();
        System.out.println("stand-in " + id + " listening on 127.0.0.1:" + port);
        new CountDownLatch(1).await();
    }

    /** Accepts connections for ever, each served by its own thread; the JVM ends when it is killed. */
    private static void serveHostile(int port, Hostility hostility) throws IOException {
        try (ServerSocket server = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
            System.out.println("stand-in " + hostility.argument() + " on 127.0.0.1:" + port);
            while (true) {
                Socket connection = server.accept();
                Thread thread = new Thread(() -> misbehave(connection, hostility), "hostile-" + port);
                thread.setDaemon(true);
                thread.start();
            }
        }
    }

    /** Answers every GET with the file's bytes and every POST with "done", one connection at a time. */
    private static void serveAnswer(int port, java.nio.file.Path answer) throws IOException {
        try (ServerSocket server = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
            System.out.println("stand-in answering " + answer + " on 127.0.0.1:" + port);
            while (true) {
                try (Socket connection = server.accept()) {
                    connection.setSoTimeout(2_000);
                    String head = skipRequestHead(connection.getInputStream());
                    byte[] body = head.startsWith("GET ") ? java.nio.file.Files.readAllBytes(answer)
                            : ascii("{\"outcome\":\"done\",\"detail\":\"the stand-in says it did\",\"data\":{}}");
                    OutputStream out = connection.getOutputStream();
                    out.write(ascii("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                            + body.length + "\r\nConnection: close\r\n\r\n"));
                    out.write(body);
                    out.flush();
                } catch (IOException clientHungUp) {
                    // the next client, then
                }
            }
        }
    }

    private static void misbehave(Socket connection, Hostility hostility) {
        try (connection) {
            if (hostility == Hostility.HANG) {
                // hold the connection open and silent until the client gives up
                connection.getInputStream().transferTo(OutputStream.nullOutputStream());
                return;
            }
            skipRequestHead(connection.getInputStream());
            OutputStream out = connection.getOutputStream();
            switch (hostility) {
                case GARBAGE -> out.write(ascii("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 22\r\nConnection: close\r\n\r\n<html>It works!</html>"));
                case HUGE -> {
                    out.write(ascii("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n"
                            + "{\"padding\":\""));
                    byte[] padding = new byte[64 * 1024];
                    Arrays.fill(padding, (byte) 'a');
                    for (long sent = 0; sent < HUNDRED_MEGABYTES; sent += padding.length) {
                        out.write(padding);
                    }
                }
                case TRICKLE -> {
                    out.write(ascii("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n"));
                    while (true) {
                        out.write(' ');
                        out.flush();
                        TimeUnit.MILLISECONDS.sleep(100); // the node's pace; it ends when the client hangs up
                    }
                }
                default -> throw new IllegalStateException("unhandled " + hostility);
            }
            out.flush();
        } catch (IOException clientHungUp) {
            // the client gave up, as it should: nothing more to send
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Reads the request line and headers, and returns them; the body, if any, is never read. */
    private static String skipRequestHead(InputStream in) throws IOException {
        int matched = 0;
        byte[] end = ascii("\r\n\r\n");
        StringBuilder head = new StringBuilder();
        while (matched < end.length) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("request ended before its headers did");
            }
            head.append((char) b);
            matched = b == end[matched] ? matched + 1 : (b == end[0] ? 1 : 0);
        }
        return head.toString();
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
