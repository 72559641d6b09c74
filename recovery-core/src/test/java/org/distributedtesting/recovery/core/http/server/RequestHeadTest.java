package org.distributedtesting.recovery.core.http.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestHeadTest {

    @Test
    void readsTheRequestLineAndHeadersAndNoFurther() throws IOException {
        InputStream in = input("POST /api/control/step_down?x=1 HTTP/1.1\r\nHost: node-1\r\n"
                + "authorization: Bearer t\r\nX-Twice: 1\r\nX-Twice:  2 \r\n\r\n{}");

        RequestHead head = RequestHead.read(in);

        assertThat(head.method()).isEqualTo("POST");
        assertThat(head.path()).isEqualTo("/api/control/step_down");
        assertThat(head.version()).isEqualTo("HTTP/1.1");
        assertThat(head.header("Authorization")).isEqualTo("Bearer t");
        assertThat(head.headerValues("x-twice")).containsExactly("1", "2");
        assertThat(head.header("Content-Length")).isNull();
        assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("{}");
    }

    @Test
    void acceptsBareLineFeedsLeadingEmptyLinesAndAnAbsoluteTarget() throws IOException {
        RequestHead head = RequestHead.read(input("\r\nGET http://127.0.0.1:8081/api/status HTTP/1.0\n\n"));

        assertThat(head.path()).isEqualTo("/api/status");
        assertThat(head.version()).isEqualTo("HTTP/1.0");
        assertThat(head.headers()).isEmpty();
    }

    @Test
    void decodesThePath() throws IOException {
        assertThat(RequestHead.read(input("GET /api/%73tatus HTTP/1.1\r\n\r\n")).path()).isEqualTo("/api/status");
    }

    @Test
    void aConnectionClosedBeforeAnyRequestHasNone() throws IOException {
        assertThat(RequestHead.read(input(""))).isNull();
    }

    @Test
    void aConnectionClosedInTheHeadersIsBroken() {
        assertThat(catchThrowable(() -> RequestHead.read(input("GET /api/status HTTP/1.1\r\nHost: n"))))
                .isInstanceOf(EOFException.class);
    }

    @Test
    void malformedHeadsAreRefusedWithTheirStatus() {
        assertThat(status("GET /api/status\r\n\r\n")).isEqualTo(400);
        assertThat(status("GET  /api/status HTTP/1.1\r\n\r\n")).isEqualTo(400);
        assertThat(status("G(T /api/status HTTP/1.1\r\n\r\n")).isEqualTo(400);
        assertThat(status("GET /api/status HTTP/2.0\r\n\r\n")).isEqualTo(505);
        assertThat(status("GET /api/status SPDY/3\r\n\r\n")).isEqualTo(400);
        assertThat(status("GET * HTTP/1.1\r\n\r\n")).isEqualTo(400);
        assertThat(status("GET /a|b HTTP/1.1\r\n\r\n")).isEqualTo(400);
        assertThat(status("GET /api/status HTTP/1.1\r\nNo colon\r\n\r\n")).isEqualTo(400);
        assertThat(status("GET /api/status HTTP/1.1\r\nHost : n\r\n\r\n")).isEqualTo(400);
        assertThat(status("GET /api/status HTTP/1.1\r\nX-A: 1\r\n folded\r\n\r\n")).isEqualTo(400);
    }

    @Test
    void headersOver16KiBAreRefused431() {
        String big = "GET /api/status HTTP/1.1\r\nX-Big: " + "a".repeat(RequestHead.MAX_BYTES) + "\r\n\r\n";

        assertThat(status(big)).isEqualTo(431);
    }

    @Test
    void onlyAnHttp11ClientExpectingItIsSentContinue() throws IOException {
        assertThat(RequestHead.read(input("POST / HTTP/1.1\r\nExpect: 100-Continue\r\n\r\n")).expectsContinue())
                .isTrue();
        assertThat(RequestHead.read(input("POST / HTTP/1.0\r\nExpect: 100-continue\r\n\r\n")).expectsContinue())
                .isFalse();
        assertThat(RequestHead.read(input("POST / HTTP/1.1\r\n\r\n")).expectsContinue()).isFalse();
    }

    @Test
    void theHeadersAreImmutable() throws IOException {
        RequestHead head = RequestHead.read(input("GET / HTTP/1.1\r\nX-A: 1\r\n\r\n"));

        assertThat(catchThrowable(() -> head.headers().get("x-a").add("2")))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThat(head.headers()).containsEntry("x-a", List.of("1"));
    }

    private static int status(String request) {
        Throwable failure = catchThrowable(() -> RequestHead.read(input(request)));
        assertThat(failure).isInstanceOf(MalformedRequest.class);
        return ((MalformedRequest) failure).status();
    }

    private static InputStream input(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1));
    }
}
