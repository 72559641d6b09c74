package org.distributedtesting.recovery.core.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.distributedtesting.recovery.Action;
import org.distributedtesting.recovery.ActionResult;
import org.distributedtesting.recovery.Failure;
import org.distributedtesting.recovery.FailureType;
import org.distributedtesting.recovery.JournalRecord;
import org.distributedtesting.recovery.NodeId;
import org.distributedtesting.recovery.RecoveryEvent;
import org.distributedtesting.recovery.RungResult;
import org.distributedtesting.recovery.Severity;
import org.distributedtesting.recovery.core.config.AlertsConfig;
import org.distributedtesting.recovery.core.config.AlertsConfig.Events;
import org.distributedtesting.recovery.core.config.AlertsConfig.SecretSource;
import org.distributedtesting.recovery.core.config.AlertsConfig.Sink;
import org.distributedtesting.recovery.core.config.AlertsConfig.SinkType;
import org.distributedtesting.recovery.core.journal.InMemoryJournal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every sink against a local receiver that checks what its public API requires, and the delivery rules: retries for
 * 5xx, 429 (with Retry-After) and connection errors, none for another 4xx, a journal record for what is given up, a
 * full queue dropping, and secrets read from the environment.
 */
class AlertRouterTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration BOUND = Duration.ofSeconds(20);
    private static final NodeId NODE = NodeId.of("node-2");
    private static final Failure CRASH = Failure.of(FailureType.PROCESS_CRASH, List.of(NODE), Severity.HIGH,
            "'node-2' does not answer <b>&", Map.of("reachable", false, "probe_error", "connection refused"));
    private static final Instant T0 = Instant.parse("2026-12-07T12:00:00Z");

    private final InMemoryJournal journal = new InMemoryJournal();
    private final List<AutoCloseable> open = new java.util.ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    @Test
    void alertmanagerGetsAnAlertPerOpenFailureAtEachAddressAndItsResolution() throws Exception {
        Receiver am1 = receiver(Receiver.Response.of(200));
        Receiver am2 = receiver(Receiver.Response.of(200));
        AlertRouter router = start(sink(SinkType.ALERTMANAGER, Events.FAILURES, List.of(am1.url("/"),
                am2.url("/am2")), Optional.empty(), Optional.empty()), Map.of());

        router.onEvent(new RecoveryEvent.FailureConfirmed(T0, CRASH, 3, T0.minusSeconds(2)));
        router.onEvent(new RecoveryEvent.RungAttempted(T0, CRASH, "restart", 1, new RungResult.Acted("restarted"),
                "recovery_attempted", false, false));
        router.onEvent(new RecoveryEvent.RecoveryVerified(T0.plusSeconds(3), CRASH, "restart", Duration.ofSeconds(5)));

        await().atMost(BOUND).until(() -> am1.requests.size() == 3 && am2.requests.size() == 3);
        assertThat(am1.requests).allSatisfy(r -> assertThat(r.path()).isEqualTo("/api/v2/alerts"));
        assertThat(am2.requests).allSatisfy(r -> assertThat(r.path()).isEqualTo("/am2/api/v2/alerts"));
        JsonNode firing = JSON.readTree(am1.requests.get(0).body()).get(0);
        assertThat(firing.path("labels").path("alertname").asText()).isEqualTo("CoordinatorRecoveryFailure");
        assertThat(firing.path("labels").path("cluster").asText()).isEqualTo("prod");
        assertThat(firing.path("labels").path("node").asText()).isEqualTo("node-2");
        assertThat(firing.path("labels").path("failure_type").asText()).isEqualTo("process_crash");
        assertThat(firing.path("labels").path("severity").asText()).isEqualTo("high");
        assertThat(firing.path("labels").path("failure_id").asText()).isEqualTo("process_crash:node-2");
        assertThat(firing.path("annotations").path("summary").asText()).contains("process_crash on node-2");
        assertThat(JSON.readTree(firing.path("annotations").path("evidence").asText()).path("probe_error").asText())
                .isEqualTo("connection refused");
        assertThat(Instant.parse(firing.path("startsAt").asText())).isEqualTo(T0.minusSeconds(2));
        assertThat(Instant.parse(firing.path("endsAt").asText())).isAfter(Instant.now());
        JsonNode rung = JSON.readTree(am1.requests.get(1).body()).get(0);
        assertThat(rung.path("annotations").path("rung").asText()).startsWith("restart (attempt 1): acted");
        JsonNode resolved = JSON.readTree(am1.requests.get(2).body()).get(0);
        assertThat(Instant.parse(resolved.path("endsAt").asText())).isBeforeOrEqualTo(Instant.now());
        assertThat(router.stats().get(0).delivered()).isEqualTo(6);
    }

    @Test
    void alertmanagerIsSentTheOpenAlertsAgainEveryResendInterval() throws Exception {
        Receiver am = receiver(Receiver.Response.of(200));
        Sink sink = new Sink("am", SinkType.ALERTMANAGER, Events.ESCALATIONS, Severity.LOW, List.of(am.url("")),
                Optional.empty(), Optional.empty(), Duration.ofSeconds(5), 100, 3, Duration.ofMillis(200));
        AlertRouter router = start(sink, Map.of());

        router.onEvent(new RecoveryEvent.FailureConfirmed(T0, CRASH, 3, T0));
        assertThat(am.requests).as("escalations only: a confirmed failure is no alert yet").isEmpty();
        router.onEvent(new RecoveryEvent.Escalated(T0, CRASH, List.of(NODE), "max_restart_attempts (5) spent"));

        await().atMost(BOUND).until(() -> am.requests.size() >= 3);
        JsonNode again = JSON.readTree(am.requests.get(2).body()).get(0);
        assertThat(again.path("labels").path("alertname").asText()).isEqualTo("CoordinatorRecoveryEscalated");
        assertThat(again.path("annotations").path("escalated").asText()).contains("max_restart_attempts");

        router.onEvent(new RecoveryEvent.NodeReleased(T0, NODE, "released by the operator"));
        await().atMost(BOUND).until(() -> am.requests.stream().anyMatch(r -> endsBy(r, Instant.now())));
        int after = am.requests.size();
        await().pollDelay(Duration.ofMillis(600)).atMost(BOUND).until(() -> true);
        assertThat(am.requests).as("nothing is open after the release, so nothing is sent again").hasSize(after);
    }

    @Test
    void pagerDutyTriggersOnAnEscalationWithEverythingItsApiRequiresAndResolvesOnTheRelease() throws Exception {
        Receiver pd = receiver(Receiver.Response.of(202));
        AlertRouter router = start(sink(SinkType.PAGERDUTY, Events.ESCALATIONS, List.of(pd.url("/v2/enqueue")),
                Optional.empty(), Optional.of(env("PD_KEY"))), Map.of("PD_KEY", "R0UTING-key-42"));

        router.onEvent(new RecoveryEvent.FailureConfirmed(T0, CRASH, 3, T0));
        router.onEvent(new RecoveryEvent.RungAttempted(T0, CRASH, "restart", 1, new RungResult.Failed("exit 2"),
                "recovery_attempted", false, false));
        router.onEvent(new RecoveryEvent.Escalated(T0, CRASH, List.of(NODE), "max_restart_attempts (5) spent"));
        router.onEvent(new RecoveryEvent.NodeReleased(T0, NODE, "released by the operator"));

        await().atMost(BOUND).until(() -> pd.requests.size() == 2);
        JsonNode trigger = JSON.readTree(pd.requests.get(0).body());
        assertThat(trigger.path("routing_key").asText()).isEqualTo("R0UTING-key-42");
        assertThat(trigger.path("event_action").asText()).isEqualTo("trigger");
        assertThat(trigger.path("dedup_key").asText()).isEqualTo("process_crash:node-2");
        JsonNode payload = trigger.path("payload");
        assertThat(payload.path("summary").asText()).isNotBlank().hasSizeLessThanOrEqualTo(1024)
                .contains("ESCALATED process_crash on node-2");
        assertThat(payload.path("source").asText()).isEqualTo("node-2");
        assertThat(payload.path("severity").asText()).isIn("critical", "error", "warning", "info").isEqualTo("error");
        assertThat(payload.path("custom_details").path("evidence").path("reachable").asBoolean(true)).isFalse();
        assertThat(payload.path("custom_details").path("tried").get(0).asText()).contains("restart attempt 1: FAILED");
        JsonNode resolve = JSON.readTree(pd.requests.get(1).body());
        assertThat(resolve.path("event_action").asText()).isEqualTo("resolve");
        assertThat(resolve.path("dedup_key").asText()).isEqualTo("process_crash:node-2");
        assertThat(resolve.path("routing_key").asText()).isEqualTo("R0UTING-key-42");
    }

    @Test
    void slackGetsTheTextItRequiresAndEscapedMrkdwnAndTeamsAnAdaptiveCard() throws Exception {
        Receiver slack = receiver(Receiver.Response.of(200));
        Receiver teams = receiver(Receiver.Response.of(202));
        AlertRouter toSlack = start(sink(SinkType.SLACK, Events.FAILURES, List.of(), Optional.of(env("SLACK")),
                Optional.empty()), Map.of("SLACK", slack.url("/services/T0/B0/x").toString()));
        AlertRouter toTeams = start(sink(SinkType.TEAMS, Events.ACTIONS, List.of(), Optional.of(env("TEAMS")),
                Optional.empty()), Map.of("TEAMS", teams.url("/workflows/1").toString()));

        for (AlertRouter router : List.of(toSlack, toTeams)) {
            router.onEvent(new RecoveryEvent.FailureConfirmed(T0, CRASH, 3, T0));
            router.onEvent(new RecoveryEvent.ActionTaken(T0, CRASH, new Action.Restart(NODE),
                    ActionResult.Done.of("restarted with pid 4318"), "process crashed", "restart", 1,
                    Optional.empty(), Optional.empty(), false));
        }

        await().atMost(BOUND).until(() -> slack.requests.size() == 1 && teams.requests.size() == 2);
        assertThat(slack.requests.get(0).path()).isEqualTo("/services/T0/B0/x");
        JsonNode message = JSON.readTree(slack.requests.get(0).body());
        assertThat(message.path("text").asText()).isEqualTo("[prod] Failure detected: process_crash on node-2:"
                + " 'node-2' does not answer <b>&");
        assertThat(message.path("blocks").get(0).path("text").path("text").asText())
                .contains("&lt;b&gt;&amp;").doesNotContain("<b>");
        JsonNode card = JSON.readTree(teams.requests.get(1).body());
        assertThat(card.path("type").asText()).isEqualTo("message");
        JsonNode attachment = card.path("attachments").get(0);
        assertThat(attachment.path("contentType").asText()).isEqualTo("application/vnd.microsoft.card.adaptive");
        assertThat(attachment.path("content").path("type").asText()).isEqualTo("AdaptiveCard");
        assertThat(attachment.path("content").path("version").asText()).isEqualTo("1.4");
        assertThat(attachment.path("content").path("body").get(0).path("text").asText())
                .isEqualTo("Action restart_node on node-2: done");
    }

    @Test
    void aWebhookGetsTheJournalRecordSignedWithTheSharedSecret() throws Exception {
        Receiver hook = receiver(Receiver.Response.of(204));
        AlertRouter router = start(sink(SinkType.WEBHOOK, Events.FAILURES, List.of(hook.url("/hook")),
                Optional.empty(), Optional.of(env("HOOK_SECRET"))), Map.of("HOOK_SECRET", "s3cret"));

        router.onEvent(new RecoveryEvent.FailureConfirmed(T0, CRASH, 3, T0));

        await().atMost(BOUND).until(() -> hook.requests.size() == 1);
        Receiver.Request request = hook.requests.get(0);
        JsonNode record = JSON.readTree(request.body());
        assertThat(record.path("action").asText()).isEqualTo("failure_detected");
        assertThat(record.path("timestamp").asText()).isEqualTo(T0.toString());
        assertThat(request.header("X-Recovery-Signature")).isEqualTo("sha256=" + hmac("s3cret", request.body()));
        assertThat(request.header("X-Recovery-Event")).isEqualTo("failure_detected");
        assertThat(request.header("X-Recovery-Delivery")).hasSize(36);
        assertThat(request.header("X-Recovery-Signature")).isNotEqualTo("sha256=" + hmac("other", request.body()));
    }

    @Test
    void a5xxAndA429AreTriedAgainHonouringRetryAfterAndAnother4xxIsGivenUpAtOnceAndJournaled() throws Exception {
        Receiver flaky = receiver(Receiver.Response.of(200), Receiver.Response.of(503),
                new Receiver.Response(429, Map.of("Retry-After", "1")));
        Receiver refusing = receiver(Receiver.Response.of(400));
        AlertRouter retrying = start(sink(SinkType.WEBHOOK, Events.FAILURES, List.of(flaky.url("/")),
                Optional.empty(), Optional.of(env("S"))), Map.of("S", "k"));
        AlertRouter refused = start(new Sink("refused", SinkType.WEBHOOK, Events.FAILURES, Severity.LOW,
                List.of(refusing.url("/")), Optional.empty(), Optional.of(env("S")), Duration.ofSeconds(5), 10, 5,
                Duration.ofSeconds(60)), Map.of("S", "k"));

        retrying.onEvent(new RecoveryEvent.FailureConfirmed(T0, CRASH, 3, T0));
        refused.onEvent(new RecoveryEvent.FailureConfirmed(T0, CRASH, 3, T0));

        await().atMost(BOUND).until(() -> retrying.stats().get(0).delivered() == 1);
        assertThat(flaky.requests).hasSize(3);
        assertThat(Duration.between(flaky.requests.get(1).at(), flaky.requests.get(2).at()))
                .as("Retry-After: 1 is waited for, not the 50 ms backoff").isGreaterThanOrEqualTo(Duration.ofMillis(900));
        assertThat(retrying.stats().get(0).retried()).isEqualTo(2);
        await().atMost(BOUND).until(() -> refused.stats().get(0).gaveUp() == 1);
        assertThat(refusing.requests).as("a 400 is not sent again").hasSize(1);
        JournalRecord gaveUp = journal.records().stream().filter(r -> r.action().equals(AlertRouter.GAVE_UP_RECORD))
                .findFirst().orElseThrow();
        assertThat(gaveUp.details()).containsEntry("sink", "refused").containsEntry("error", "HTTP 400")
                .containsEntry("attempts", 1).containsEntry("notification", "failure_detected");
        assertThat(gaveUp.details().toString()).doesNotContain("127.0.0.1");
    }

    @Test
    void aReceiverThatIsDownOrHangsIsTriedUpToMaxAttemptsAndTheEventIsNotHeldUp() throws Exception {
        Receiver hanging = receiver(Receiver.HANG);
        URI down = URI.create("http://127.0.0.1:" + unusedPort() + "/");
        AlertRouter router = start(new Sink("hook", SinkType.WEBHOOK, Events.FAILURES, Severity.LOW,
                List.of(hanging.url("/")), Optional.empty(), Optional.of(env("S")), Duration.ofMillis(300), 10, 2,
                Duration.ofSeconds(60)), Map.of("S", "k"));
        AlertRouter toDown = start(new Sink("down", SinkType.WEBHOOK, Events.FAILURES, Severity.LOW, List.of(down),
                Optional.empty(), Optional.of(env("S")), Duration.ofSeconds(2), 10, 3, Duration.ofSeconds(60)),
                Map.of("S", "k"));

        long start = System.nanoTime();
        for (int i = 0; i < 5; i++) {
            router.onEvent(new RecoveryEvent.FailureConfirmed(T0, CRASH, 3, T0));
            toDown.onEvent(new RecoveryEvent.FailureConfirmed(T0, CRASH, 3, T0));
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(took).as("onEvent only queues").isLessThan(Duration.ofMillis(500));
        await().atMost(BOUND).until(() -> toDown.stats().get(0).gaveUp() == 5);
        assertThat(toDown.stats().get(0).retried()).isEqualTo(10);
        await().atMost(BOUND).until(() -> router.stats().get(0).gaveUp() >= 1);
        assertThat(journal.records()).anySatisfy(r -> assertThat(r.details().get("error").toString())
                .contains("no answer within 300 ms"));
    }

    @Test
    void aFullQueueDropsAndCountsTheNewNotice() throws Exception {
        Receiver hanging = receiver(Receiver.HANG);
        AlertRouter router = start(new Sink("slow", SinkType.WEBHOOK, Events.FAILURES, Severity.LOW,
                List.of(hanging.url("/")), Optional.empty(), Optional.of(env("S")), Duration.ofSeconds(30), 2, 1,
                Duration.ofSeconds(60)), Map.of("S", "k"));

        router.onEvent(new RecoveryEvent.FailureConfirmed(T0, CRASH, 3, T0));
        await().atMost(BOUND).until(() -> hanging.requests.size() == 1); // the worker holds the first
        for (int i = 0; i < 5; i++) {
            router.onEvent(new RecoveryEvent.FailureConfirmed(T0, CRASH, 3, T0));
        }

        assertThat(router.stats().get(0).dropped()).as("2 wait in the queue, 3 are dropped").isEqualTo(3);
    }

    @Test
    void minSeverityAndTheLevelChooseWhatIsSent() throws Exception {
        Receiver hook = receiver(Receiver.Response.of(200));
        AlertRouter router = start(new Sink("hook", SinkType.WEBHOOK, Events.ESCALATIONS, Severity.CRITICAL,
                List.of(hook.url("/")), Optional.empty(), Optional.of(env("S")), Duration.ofSeconds(5), 10, 1,
                Duration.ofSeconds(60)), Map.of("S", "k"));
        Failure critical = Failure.of(FailureType.SPLIT_BRAIN, List.of(NODE), Severity.CRITICAL, "two leaders",
                Map.of());

        router.onEvent(new RecoveryEvent.FailureConfirmed(T0, critical, 1, T0)); // not an escalation
        router.onEvent(new RecoveryEvent.Escalated(T0, CRASH, List.of(NODE), "spent")); // high < critical
        router.onEvent(new RecoveryEvent.Escalated(T0, critical, List.of(NODE), "spent"));

        await().atMost(BOUND).until(() -> hook.requests.size() == 1);
        assertThat(JSON.readTree(hook.requests.get(0).body()).path("details").path("reason").asText())
                .isEqualTo("split_brain");
    }

    @Test
    void theTestNotificationReachesEverySinkAndSaysWhatCameOfIt() throws Exception {
        Receiver ok = receiver(Receiver.Response.of(202));
        Receiver broken = receiver(Receiver.Response.of(404));
        AlertRouter router = start(sink(SinkType.ALERTMANAGER, Events.FAILURES, List.of(ok.url("/"),
                broken.url("/")), Optional.empty(), Optional.empty()), Map.of());

        List<AlertRouter.TestResult> results = router.sendTest();

        assertThat(results).extracting(AlertRouter.TestResult::destination).containsExactly("alertmanager#1",
                "alertmanager#2");
        assertThat(results.get(0).delivered()).isTrue();
        assertThat(results.get(1).delivered()).isFalse();
        assertThat(results.get(1).detail()).isEqualTo("test: HTTP 404");
        assertThat(JSON.readTree(ok.requests.get(0).body()).get(0).path("labels").path("alertname").asText())
                .isEqualTo("CoordinatorRecoveryTest");
    }

    private static boolean endsBy(Receiver.Request request, Instant now) {
        try {
            return !Instant.parse(JSON.readTree(request.body()).get(0).path("endsAt").asText()).isAfter(now);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hmac(String key, byte[] body) throws Exception {
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return java.util.HexFormat.of().formatHex(mac.doFinal(body));
    }

    private static int unusedPort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static SecretSource env(String name) {
        return new SecretSource("alerts.sinks[0]." + name, Optional.empty(), Optional.of(name));
    }

    private static Sink sink(SinkType type, Events events, List<URI> urls, Optional<SecretSource> urlSecret,
                             Optional<SecretSource> secret) {
        return new Sink(type.configName(), type, events, Severity.LOW, urls, urlSecret, secret, Duration.ofSeconds(5),
                100, 3, Duration.ofSeconds(60));
    }

    private Receiver receiver(Receiver.Response otherwise, Receiver.Response... scripted) throws IOException {
        Receiver receiver = new Receiver(otherwise, scripted);
        open.add(receiver);
        return receiver;
    }

    private AlertRouter start(Sink sink, Map<String, String> env) {
        AlertRouter router = AlertRouter.start(new AlertsConfig("prod", List.of(sink)), env, Path.of("cluster.json"),
                journal, Clock.systemUTC(), Duration.ofMillis(50), Duration.ofMillis(200));
        open.add(0, router);
        return router;
    }
}
