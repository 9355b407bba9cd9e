package io.xmesh.codec.http;

import io.netty.channel.embedded.EmbeddedChannel;
import io.xmesh.xprotocol.codec.FrameKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.xmesh.codec.http.TestChannels.feed;
import static io.xmesh.codec.http.TestChannels.finishClean;
import static io.xmesh.codec.http.TestChannels.frames;
import static io.xmesh.codec.http.TestChannels.output;
import static io.xmesh.codec.http.TestChannels.release;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The table of malformed and hostile requests and the documented answer to each (docs/http.md):
 * the codec answers itself with the status, an {@code x-xmesh-error} reason and
 * {@code Connection: close}, closes the connection, and the proxy sees no request frame (or, when
 * the head was already forwarded, no further body frame after the bad part).
 */
class HttpHostileRequestTest {

    private static final String H = "Host: a\r\n";
    private static final Map<String, Object> LIMITS = Map.of(
            "max-initial-line-length", 256, "max-header-size", 512, "max-header-count", 10, "max-body-size", 100);

    static Stream<Arguments> hostile() {
        return Stream.of(
                // bad request lines
                row("garbage request line", "GARBAGE\r\n\r\n", 400, "bad-request", 0),
                row("unknown version token", "GET / FOO/1.1\r\n" + H + "\r\n", 400, "bad-request", 0),
                row("HTTP/2.0 request line", "GET / HTTP/2.0\r\n" + H + "\r\n", 505, "version-not-supported", 0),
                row("bare LF line ends", "GET / HTTP/1.1\n" + H.replace("\r", "") + "\n", 400, "bad-request", 0),
                row("relative target", "GET foo HTTP/1.1\r\n" + H + "\r\n", 400, "bad-request", 0),
                row("userinfo in absolute target", "GET http://u@h/ HTTP/1.1\r\n" + H + "\r\n", 400, "bad-request", 0),
                row("request line too long", "GET /" + "a".repeat(300) + " HTTP/1.1\r\n" + H + "\r\n",
                        414, "request-line-too-long", 0),
                // headers
                row("header block too large", "GET / HTTP/1.1\r\n" + H + "X-Big: " + "b".repeat(600) + "\r\n\r\n",
                        431, "header-too-large", 0),
                row("too many header fields", "GET / HTTP/1.1\r\n" + H + "X-A: 1\r\n".repeat(10) + "\r\n",
                        431, "too-many-headers", 0),
                row("space in header name", "GET / HTTP/1.1\r\n" + H + "Bad Name: x\r\n\r\n", 400, "bad-request", 0),
                row("space before colon", "GET / HTTP/1.1\r\n" + H + "Content-Length : 0\r\n\r\n", 400, "bad-request", 0),
                row("NUL in a header value", "GET / HTTP/1.1\r\n" + H + "X-A: a\u0000b\r\n\r\n", 400, "bad-request", 0),
                row("bare CR in a header value", "GET / HTTP/1.1\r\n" + H + "X-A: a\rb\r\n\r\n", 400, "bad-request", 0),
                row("control character in the target", "GET /a\u0001b HTTP/1.1\r\n" + H + "\r\n", 400, "bad-request", 0),
                row("missing Host in HTTP/1.1", "GET / HTTP/1.1\r\n\r\n", 400, "bad-request", 0),
                row("two Host fields", "GET / HTTP/1.1\r\n" + H + H + "\r\n", 400, "bad-request", 0),
                row("unknown expectation", "GET / HTTP/1.1\r\n" + H + "Expect: 200-ok\r\n\r\n",
                        417, "expectation-failed", 0),
                row("CONNECT tunnel", "CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n", 501, "connect-not-supported", 0),
                // smuggling pairs
                row("CL then TE", "POST / HTTP/1.1\r\n" + H + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "0\r\n\r\n", 400, "bad-request", 0),
                row("TE then CL", "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n"
                        + "0\r\n\r\n", 400, "bad-request", 0),
                row("TE with CL in HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n"
                        + "0\r\n\r\n", 400, "bad-request", 0),
                row("two equal Content-Length", "POST / HTTP/1.1\r\n" + H + "Content-Length: 3\r\nContent-Length: 3\r\n\r\n"
                        + "abc", 400, "bad-request", 0),
                row("two different Content-Length", "POST / HTTP/1.1\r\n" + H + "Content-Length: 3\r\nContent-Length: 5\r\n\r\n"
                        + "abcde", 400, "bad-request", 0),
                row("Content-Length list", "POST / HTTP/1.1\r\n" + H + "Content-Length: 3, 3\r\n\r\nabc",
                        400, "bad-request", 0),
                row("signed Content-Length", "POST / HTTP/1.1\r\n" + H + "Content-Length: +3\r\n\r\nabc",
                        400, "bad-request", 0),
                row("negative Content-Length", "POST / HTTP/1.1\r\n" + H + "Content-Length: -1\r\n\r\n",
                        400, "bad-request", 0),
                row("hex Content-Length", "POST / HTTP/1.1\r\n" + H + "Content-Length: 0x10\r\n\r\n",
                        400, "bad-request", 0),
                row("chunked twice", "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n",
                        400, "bad-request", 0),
                row("two TE fields", "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "0\r\n\r\n", 400, "bad-request", 0),
                row("gzip coding", "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: gzip\r\n\r\n", 400, "bad-request", 0),
                row("xchunked coding", "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n",
                        400, "bad-request", 0),
                row("chunked in HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                        400, "bad-request", 0),
                // bodies (the head was forwarded: one REQUEST frame, then the answer)
                row("Content-Length above max-body-size", "POST / HTTP/1.1\r\n" + H + "Content-Length: 101\r\n\r\n",
                        413, "body-too-large", 0),
                row("bad chunk size", "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
                        400, "bad-request", 1),
                row("negative chunk size", "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n-1\r\nabc\r\n0\r\n\r\n",
                        400, "bad-request", 1),
                row("overflowing chunk size", "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n"
                        + "fffffffffffffffffff\r\nabc\r\n", 400, "bad-request", 1),
                row("chunked body above max-body-size", "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n"
                        + "65\r\n" + "x".repeat(101) + "\r\n0\r\n\r\n", 413, "body-too-large", 1)
        );
    }

    private static Arguments row(String name, String wire, int status, String reason, int forwarded) {
        return Arguments.of(name, wire, status, reason, forwarded);
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("hostile")
    void hostileRequestGetsItsDocumentedAnswer(String name, String wire, int status, String reason, int forwarded) {
        EmbeddedChannel ch = TestChannels.server(LIMITS);
        List<HttpFrame> got = new ArrayList<>();
        try {
            feed(ch, wire + "GET /after HTTP/1.1\r\nHost: a\r\n\r\n");
            ch.runPendingTasks();
            got.addAll(frames(ch));
            assertThat(got).as("frames the proxy saw").hasSize(forwarded);
            for (HttpFrame f : got) {
                assertEquals(FrameKind.REQUEST, f.kind());
            }
            String out = output(ch);
            assertThat(out).startsWith("HTTP/1.1 " + status + " ")
                    .contains("\r\nx-xmesh-error: " + reason + "\r\n")
                    .contains("\r\nconnection: close\r\n")
                    .contains("\r\ncontent-type: text/plain; charset=utf-8\r\n");
            assertEquals(out.indexOf("x-xmesh-error"), out.lastIndexOf("x-xmesh-error"), "exactly one answer");
            assertFalse(ch.isOpen(), "connection closed");
            assertThat(TestChannels.exceptions(ch)).singleElement().isInstanceOfSatisfying(HttpCodecException.class,
                    e -> assertEquals(status, e.status()));
        } finally {
            release(got);
            finishClean(ch);
        }
    }

    @Test
    void slowlorisPartialHeadersGet408() {
        EmbeddedChannel ch = TestChannels.server(Map.of("header-read-timeout-ms", 500, "idle-timeout-ms", 60_000));
        try {
            String partial = "GET / HTTP/1.1\r\nHost: a\r\nX-Slow: ";
            for (char c : partial.toCharArray()) {
                feed(ch, String.valueOf(c));
                ch.advanceTimeBy(10, TimeUnit.MILLISECONDS);
                ch.runScheduledPendingTasks();
            }
            assertThat(ch.isOpen()).isTrue();
            ch.advanceTimeBy(500, TimeUnit.MILLISECONDS);
            ch.runScheduledPendingTasks();
            ch.runPendingTasks();
            assertThat(output(ch)).startsWith("HTTP/1.1 408 Request Timeout\r\n")
                    .contains("x-xmesh-error: header-read-timeout").contains("connection: close");
            assertFalse(ch.isOpen());
            assertThat(frames(ch)).isEmpty();
        } finally {
            finishClean(ch);
        }
    }

    @Test
    void headerTimerCountsPerRequestNotPerConnection() {
        EmbeddedChannel ch = TestChannels.server(Map.of("header-read-timeout-ms", 500));
        List<HttpFrame> got = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                feed(ch, "GET /" + i + " HTTP/1.1\r\n");
                ch.advanceTimeBy(300, TimeUnit.MILLISECONDS);
                ch.runScheduledPendingTasks();
                feed(ch, "Host: a\r\n\r\n");
                ch.advanceTimeBy(300, TimeUnit.MILLISECONDS);
                ch.runScheduledPendingTasks();
            }
            got.addAll(frames(ch));
            assertThat(got).hasSize(4);
            assertThat(ch.isOpen()).isTrue();
            assertEquals("", output(ch));
        } finally {
            release(got);
            finishClean(ch);
        }
    }

    @Test
    void earlierResponsesAreStillWrittenBeforeTheAnswer() {
        EmbeddedChannel ch = TestChannels.server(LIMITS);
        List<HttpFrame> got = new ArrayList<>();
        try {
            feed(ch, "GET /ok HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\n" + H + H + "\r\n");
            got.addAll(frames(ch));
            assertThat(got).hasSize(1);
            assertEquals("", output(ch), "the 400 waits for the first response");
            ch.writeAndFlush(new HttpProtocol().errorReply(got.get(0).replyTemplate(), 1,
                    io.xmesh.xprotocol.codec.ErrorKind.NO_ROUTE, "xmesh: none", ch.alloc()));
            ch.runPendingTasks();
            String out = output(ch);
            assertThat(out).startsWith("HTTP/1.1 404 ").contains("HTTP/1.1 400 ");
            assertFalse(ch.isOpen());
        } finally {
            release(got);
            finishClean(ch);
        }
    }
}
