package org.distributedtesting.recovery.core.http.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RequestBodyTest {

    @Test
    void aBodyOfDeclaredLengthEndsThereAndLeavesWhatFollows() throws IOException {
        InputStream connection = input("{\"a\":1}NEXT");

        InputStream body = RequestBody.of(head("Content-Length: 7"), connection);

        assertThat(text(body)).isEqualTo("{\"a\":1}");
        assertThat(text(connection)).isEqualTo("NEXT");
    }

    @Test
    void aRequestWithoutFramingHasNoBody() throws IOException {
        assertThat(text(RequestBody.of(head(), input("unframed")))).isEmpty();
    }

    @Test
    void aChunkedBodyIsDecodedDroppingExtensionsAndTrailers() throws IOException {
        InputStream connection = input("4;ext=1\r\n{\"a\"\r\n3\r\n:1}\r\n0\r\nX-Trailer: t\r\n\r\nNEXT");

        InputStream body = RequestBody.of(head("Transfer-Encoding: chunked"), connection);

        assertThat(text(body)).isEqualTo("{\"a\":1}");
        assertThat(text(connection)).isEqualTo("NEXT");
    }

    @Test
    void aBodyCutShortByTheClientIsBroken() throws IOException {
        InputStream fixed = RequestBody.of(head("Content-Length: 10"), input("{}"));
        InputStream chunked = RequestBody.of(head("Transfer-Encoding: chunked"), input("a\r\n{}"));

        assertThat(catchThrowable(fixed::readAllBytes)).isInstanceOf(EOFException.class)
                .hasMessage("the client closed the connection after 2 of 10 body bytes");
        assertThat(catchThrowable(chunked::readAllBytes)).isInstanceOf(EOFException.class);
    }

    @Test
    void ambiguousOrUnknownFramingIsRefused() {
        assertThat(status(head("Content-Length: 2", "Transfer-Encoding: chunked"))).isEqualTo(400);
        assertThat(status(head("Content-Length: 2", "Content-Length: 3"))).isEqualTo(400);
        assertThat(status(head("Content-Length: -2"))).isEqualTo(400);
        assertThat(status(head("Content-Length: 99999999999999999999"))).isEqualTo(400);
        assertThat(status(head("Transfer-Encoding: gzip"))).isEqualTo(501);
    }

    @Test
    void aMalformedChunkIsRefused() throws IOException {
        InputStream badSize = RequestBody.of(head("Transfer-Encoding: chunked"), input("-1\r\n"));
        InputStream overlong = RequestBody.of(head("Transfer-Encoding: chunked"), input("1\r\nab\r\n0\r\n\r\n"));

        assertThat(catchThrowable(badSize::readAllBytes)).isInstanceOf(MalformedRequest.class)
                .hasMessage("malformed chunked body: chunk size -1");
        assertThat(catchThrowable(overlong::readAllBytes)).isInstanceOf(MalformedRequest.class);
    }

    private static int status(RequestHead head) {
        Throwable failure = catchThrowable(() -> RequestBody.of(head, input("")));
        assertThat(failure).isInstanceOf(MalformedRequest.class);
        return ((MalformedRequest) failure).status();
    }

    private static RequestHead head(String... headers) {
        try {
            return RequestHead.read(input("POST /api/control/custom HTTP/1.1\r\n"
                    + String.join("", Arrays.stream(headers).map(h -> h + "\r\n").toList()) + "\r\n"));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static String text(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }

    private static InputStream input(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII));
    }
}
