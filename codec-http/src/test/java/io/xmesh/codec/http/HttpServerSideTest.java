package io.xmesh.codec.http;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.xmesh.xprotocol.codec.ErrorKind;
import io.xmesh.xprotocol.codec.FrameKind;
import io.xmesh.xprotocol.codec.XFrame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.xmesh.codec.http.TestChannels.describe;
import static io.xmesh.codec.http.TestChannels.feed;
import static io.xmesh.codec.http.TestChannels.finishClean;
import static io.xmesh.codec.http.TestChannels.frames;
import static io.xmesh.codec.http.TestChannels.output;
import static io.xmesh.codec.http.TestChannels.release;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SERVER side (a client's connection to xmesh) on an EmbeddedChannel. */
class HttpServerSideTest {

    private final List<HttpFrame> frames = new ArrayList<>();

    private static HttpFrame full(long id, String body) {
        DefaultFullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.copiedBuffer(body, StandardCharsets.US_ASCII));
        res.headers().set("content-length", body.length());
        return HttpFrame.response(id, res, true);
    }

    private static HttpFrame chunk(long id, String s, boolean last) {
        return last ? HttpFrame.data(id, new DefaultLastHttpContent(Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII)))
                : HttpFrame.data(id, new DefaultHttpContent(Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII)));
    }

    @Test
    void getBecomesOneRequestFrameWithRoutingAndForwardingHeaders() {
        EmbeddedChannel ch = TestChannels.server(Map.of());
        try {
            feed(ch, "GET /a/b?x=1 HTTP/1.1\r\nHost: Example.COM:8080\r\nConnection: keep-alive, X-Secret\r\n"
                    + "X-Secret: s\r\nKeep-Alive: 5\r\nTE: trailers\r\nUpgrade: h2c\r\nProxy-Connection: x\r\n"
                    + "User-Agent: t\r\nX-Forwarded-For: 1.1.1.1\r\nX-Forwarded-Proto: https\r\n\r\n");
            frames.addAll(frames(ch));
            assertEquals(1, frames.size());
            HttpFrame f = frames.get(0);
            assertEquals(FrameKind.REQUEST, f.kind());
            assertEquals(1, f.requestId());
            assertTrue(f.endOfStream());
            assertEquals("http", f.protocol());
            assertEquals("example.com:8080", f.header(":authority"));
            assertEquals("/a/b?x=1", f.header(":path"));
            assertEquals("GET", f.header(":method"));
            assertEquals("t", f.header("user-agent"));
            assertEquals("t", f.header("User-Agent"));
            for (String gone : new String[] {"connection", "x-secret", "keep-alive", "te", "upgrade", "proxy-connection"}) {
                assertNull(f.header(gone), gone);
            }
            assertEquals("1.1 xmesh", f.header("via"));
            assertEquals("1.1.1.1, 10.1.2.3", f.header("x-forwarded-for"));
            assertEquals("http", f.header("x-forwarded-proto"));
            assertEquals(HttpReplyTemplate.HTTP_1_1_KEEP_ALIVE, f.replyTemplate());
            assertEquals(0, f.status());
            assertEquals(0, f.content().readableBytes());
            assertTrue(f.setHeader("traceparent", "00-abc"));
            assertEquals("00-abc", f.header("traceparent"));
            assertThat(exceptionsOf(ch)).isEmpty();
        } finally {
            release(frames);
            finishClean(ch);
        }
    }

    @Test
    void forwardingHeadersCanBeTurnedOff() {
        EmbeddedChannel ch = TestChannels.server(Map.of("via", "", "x-forwarded-for", false, "x-forwarded-proto", ""));
        try {
            feed(ch, "GET / HTTP/1.1\r\nHost: a\r\nX-Forwarded-Proto: https\r\n\r\n");
            frames.addAll(frames(ch));
            HttpFrame f = frames.get(0);
            assertNull(f.header("via"));
            assertNull(f.header("x-forwarded-for"));
            assertEquals("https", f.header("x-forwarded-proto"));
        } finally {
            release(frames);
            finishClean(ch);
        }
    }

    @Test
    void absoluteFormTargetBecomesOriginFormAndHost() {
        EmbeddedChannel ch = TestChannels.server(Map.of());
        try {
            feed(ch, "GET http://Svc.Local:81/p?q HTTP/1.1\r\nHost: ignored\r\n\r\n");
            frames.addAll(frames(ch));
            assertEquals("svc.local:81", frames.get(0).header(":authority"));
            assertEquals("/p?q", frames.get(0).header(":path"));
        } finally {
            release(frames);
            finishClean(ch);
        }
    }

    @Test
    void pipelinedRequestsGetIncreasingIds() {
        EmbeddedChannel ch = TestChannels.server(Map.of());
        try {
            feed(ch, "GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\nGET /3 HTTP/1.1\r\nHost: a\r\n\r\n");
            frames.addAll(frames(ch));
            assertThat(frames).extracting(XFrame::requestId).containsExactly(1L, 2L, 3L);
            assertThat(frames).extracting(f -> f.header(":path")).containsExactly("/1", "/2", "/3");
        } finally {
            release(frames);
            finishClean(ch);
        }
    }

    @Test
    void contentLengthBodyIsStreamedAsDataFrames() {
        EmbeddedChannel ch = TestChannels.server(Map.of("max-chunk-size", 4));
        try {
            feed(ch, "POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\nhello world");
            frames.addAll(frames(ch));
            assertFalse(frames.get(0).endOfStream());
            assertThat(frames.size()).isGreaterThan(2);
            for (HttpFrame f : frames.subList(1, frames.size())) {
                assertEquals(FrameKind.DATA, f.kind());
                assertEquals(1, f.requestId());
                assertThat(f.content().readableBytes()).isLessThanOrEqualTo(4);
                assertNull(f.header(":path"));
                assertFalse(f.setHeader("x", "y"));
            }
            assertEquals("REQUEST 1 eos=false | :method: POST | :path: /up | :authority: a | host: a"
                    + " | content-length: 11 | via: 1.1 xmesh | x-forwarded-for: 10.1.2.3 | x-forwarded-proto: http\n"
                    + "DATA 1 [hello world] end\n", describe(frames));
        } finally {
            release(frames);
            finishClean(ch);
        }
    }

    @Test
    void chunkedBodyWithTrailersIsStreamed() {
        EmbeddedChannel ch = TestChannels.server(Map.of());
        try {
            feed(ch, "POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Checksum: 42\r\n\r\n");
            frames.addAll(frames(ch));
            HttpFrame head = frames.get(0);
            assertEquals("chunked", head.header("transfer-encoding"));
            HttpFrame last = frames.get(frames.size() - 1);
            assertTrue(last.endOfStream());
            assertEquals("42", ((LastHttpContent) last.httpObject()).trailingHeaders().get("x-checksum"));
            assertThat(describe(frames)).endsWith("DATA 1 [hello world] end\n");
        } finally {
            release(frames);
            finishClean(ch);
        }
    }

    @Test
    void responsesAreWrittenInRequestOrder() {
        EmbeddedChannel ch = TestChannels.server(Map.of());
        try {
            feed(ch, "GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\nGET /3 HTTP/1.1\r\nHost: a\r\n\r\n");
            release(frames(ch));
            ch.writeAndFlush(full(3, "three"));
            DefaultHttpResponse head2 = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            head2.headers().set("transfer-encoding", "chunked");
            ch.write(HttpFrame.response(2, head2, false));
            ch.writeAndFlush(chunk(2, "tw", false));
            assertEquals("", output(ch));
            ch.writeAndFlush(full(1, "one"));
            ch.writeAndFlush(chunk(2, "o", true));
            String out = output(ch);
            assertThat(out.indexOf("one")).isLessThan(out.indexOf("2\r\ntw\r\n"));
            assertThat(out.indexOf("2\r\ntw\r\n")).isLessThan(out.indexOf("1\r\no\r\n0\r\n\r\n"));
            assertThat(out.indexOf("0\r\n\r\n")).isLessThan(out.indexOf("three"));
            assertThat(out).startsWith("HTTP/1.1 200 OK\r\n").endsWith("three");
            assertTrue(ch.isOpen());
        } finally {
            finishClean(ch);
        }
    }

    @Test
    void responseWithoutLengthIsChunkedForHttp11Clients() {
        EmbeddedChannel ch = TestChannels.server(Map.of());
        try {
            feed(ch, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
            release(frames(ch));
            ch.write(HttpFrame.response(1, new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK), false));
            ch.write(chunk(1, "abc", false));
            ch.writeAndFlush(chunk(1, "", true));
            String out = output(ch);
            assertThat(out).contains("transfer-encoding: chunked\r\n").endsWith("\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
            assertTrue(ch.isOpen());
        } finally {
            finishClean(ch);
        }
    }

    @Test
    void http10ClientGetsCloseDelimitedBodyAndClose() {
        EmbeddedChannel ch = TestChannels.server(Map.of());
        try {
            feed(ch, "GET / HTTP/1.0\r\n\r\n");
            frames.addAll(frames(ch));
            assertEquals(HttpReplyTemplate.HTTP_1_0_CLOSE, frames.get(0).replyTemplate());
            DefaultHttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            res.headers().set("transfer-encoding", "chunked");
            ch.write(HttpFrame.response(1, res, false));
            ch.writeAndFlush(chunk(1, "abc", true));
            String out = output(ch);
            assertThat(out).contains("connection: close\r\n").doesNotContain("chunked").endsWith("\r\n\r\nabc");
            assertFalse(ch.isOpen());
        } finally {
            release(frames);
            finishClean(ch);
        }
    }

    @Test
    void http10KeepAliveIsHonoured() {
        EmbeddedChannel ch = TestChannels.server(Map.of());
        try {
            feed(ch, "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            frames.addAll(frames(ch));
            assertEquals(HttpReplyTemplate.HTTP_1_0_KEEP_ALIVE, frames.get(0).replyTemplate());
            ch.writeAndFlush(full(1, "ok"));
            assertThat(output(ch)).contains("connection: keep-alive\r\n").endsWith("ok");
            assertTrue(ch.isOpen());
        } finally {
            release(frames);
            finishClean(ch);
        }
    }

    @Test
    void connectionCloseIsHonouredAndLaterRequestsIgnored() {
        EmbeddedChannel ch = TestChannels.server(Map.of());
        try {
            feed(ch, "GET /1 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n");
            frames.addAll(frames(ch));
            assertEquals(1, frames.size());
            assertEquals(HttpReplyTemplate.HTTP_1_1_CLOSE, frames.get(0).replyTemplate());
            ch.writeAndFlush(full(1, "bye"));
            assertThat(output(ch)).contains("connection: close\r\n").endsWith("bye");
            assertFalse(ch.isOpen());
        } finally {
            release(frames);
            finishClean(ch);
        }
    }

    @Test
    void headResponsesCarryNoBody() {
        EmbeddedChannel ch = TestChannels.server(Map.of());
        try {
            feed(ch, "HEAD /h HTTP/1.1\r\nHost: a\r\n\r\nHEAD /x HTTP/1.1\r\nHost: a\r\n\r\nGET /g HTTP/1.1\r\nHost: a\r\n\r\n");
            frames.addAll(frames(ch));
            DefaultHttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            res.headers().set("content-length", 1234);
            ch.writeAndFlush(HttpFrame.response(1, res, true));
            ch.writeAndFlush(new HttpProtocol().errorReply(frames.get(1).replyTemplate(), 2, ErrorKind.NO_ROUTE,
                    "xmesh: no route", ByteBufAllocator.DEFAULT));
            ch.writeAndFlush(full(3, "body"));
            String out = output(ch);
            assertEquals("HTTP/1.1 200 OK\r\ncontent-length: 1234\r\n\r\n"
                    + "HTTP/1.1 404 Not Found\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: 16\r\n"
                    + "x-xmesh-error: no-route\r\n\r\n"
                    + "HTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\nbody", out);
        } finally {
            release(frames);
            finishClean(ch);
        }
    }

    @Test
    void errorReplyIsWrittenWithStatusHeaderAndBody() {
        EmbeddedChannel ch = TestChannels.server(Map.of());
        try {
            feed(ch, "GET /nowhere HTTP/1.1\r\nHost: a\r\n\r\n");
            frames.addAll(frames(ch));
            HttpFrame req = frames.get(0);
            ch.writeAndFlush(new HttpProtocol().errorReply(req.replyTemplate(), req.requestId(),
                    ErrorKind.TIMEOUT, "xmesh: upstream timed out", ByteBufAllocator.DEFAULT));
            assertEquals("HTTP/1.1 504 Gateway Timeout\r\ncontent-type: text/plain; charset=utf-8\r\n"
                    + "content-length: 26\r\nx-xmesh-error: timeout\r\n\r\nxmesh: upstream timed out\n", output(ch));
            assertTrue(ch.isOpen());
        } finally {
            release(frames);
            finishClean(ch);
        }
    }

    @Test
    void expectContinueIsAnsweredInOrder() {
        EmbeddedChannel ch = TestChannels.server(Map.of());
        try {
            feed(ch, "GET /first HTTP/1.1\r\nHost: a\r\n\r\n"
                    + "PUT /up HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n");
            frames.addAll(frames(ch));
            assertEquals(2, frames.size());
            assertNull(frames.get(1).header("expect"));
            assertEquals("", output(ch), "100 Continue must wait for the first response");
            ch.writeAndFlush(full(1, "one"));
            assertThat(output(ch)).endsWith("one" + "HTTP/1.1 100 Continue\r\n\r\n");
            feed(ch, "abc");
            release(frames);
            frames.addAll(frames(ch));
            assertEquals("DATA 2 [abc] end\n", describe(frames));
            ch.writeAndFlush(full(2, "stored"));
            assertThat(output(ch)).startsWith("HTTP/1.1 200 OK").endsWith("stored");
        } finally {
            release(frames);
            finishClean(ch);
        }
    }

    @Test
    void expectContinueAtTheFrontIsAnsweredAtOnce() {
        EmbeddedChannel ch = TestChannels.server(Map.of());
        try {
            feed(ch, "PUT /up HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n");
            frames.addAll(frames(ch));
            assertEquals("HTTP/1.1 100 Continue\r\n\r\n", output(ch));
        } finally {
            release(frames);
            finishClean(ch);
        }
    }

    @Test
    void framesForUnknownOrAnsweredIdsAreRefusedAndReleased() {
        EmbeddedChannel ch = TestChannels.server(Map.of());
        try {
            feed(ch, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
            release(frames(ch));
            HttpFrame stray = full(7, "x");
            ChannelFuture f = ch.writeAndFlush(stray);
            assertFalse(f.isSuccess());
            assertEquals(0, stray.refCnt());
            HttpFrame body = chunk(1, "x", true);
            assertFalse(ch.writeAndFlush(body).isSuccess(), "body before head");
            assertEquals(0, body.refCnt());
            ch.writeAndFlush(full(1, "ok"));
            HttpFrame again = full(1, "again");
            assertFalse(ch.writeAndFlush(again).isSuccess());
            assertEquals(0, again.refCnt());
            assertThat(output(ch)).endsWith("ok");
        } finally {
            finishClean(ch);
        }
    }

    @Test
    void reorderBufferIsBounded() {
        EmbeddedChannel ch = TestChannels.server(Map.of("max-reorder-buffer-bytes", 8));
        try {
            feed(ch, "GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n");
            release(frames(ch));
            ch.write(HttpFrame.response(2, new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK), false));
            ch.writeAndFlush(chunk(2, "12345678", false));
            assertTrue(ch.isOpen());
            HttpFrame more = chunk(2, "9", false);
            ch.writeAndFlush(more);
            ch.runPendingTasks();
            assertFalse(ch.isOpen());
            assertEquals(0, more.refCnt());
            assertThat(exceptionsOf(ch)).singleElement().isInstanceOf(HttpCodecException.class);
        } finally {
            finishClean(ch);
        }
    }

    @Test
    void readingPausesAtThePipelineLimit() {
        EmbeddedChannel ch = TestChannels.server(Map.of("max-pipelined-requests", 2));
        try {
            feed(ch, "GET /1 HTTP/1.1\r\nHost: a\r\n\r\n");
            assertTrue(ch.config().isAutoRead());
            feed(ch, "GET /2 HTTP/1.1\r\nHost: a\r\n\r\n");
            assertFalse(ch.config().isAutoRead());
            release(frames(ch));
            ch.writeAndFlush(full(1, "1"));
            assertTrue(ch.config().isAutoRead());
            output(ch);
        } finally {
            finishClean(ch);
        }
    }

    @Test
    void readingNeverPausesMidBody() {
        EmbeddedChannel ch = TestChannels.server(Map.of("max-pipelined-requests", 1));
        try {
            feed(ch, "POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\n\r\nabc");
            assertTrue(ch.config().isAutoRead(), "the body of the awaited request must still be read");
            feed(ch, "def");
            assertFalse(ch.config().isAutoRead());
            frames.addAll(frames(ch));
            assertThat(describe(frames)).endsWith("DATA 1 [abcdef] end\n");
            ch.writeAndFlush(full(1, "ok"));
            assertTrue(ch.config().isAutoRead());
            output(ch);
        } finally {
            release(frames);
            finishClean(ch);
        }
    }

    @Test
    void idleConnectionIsClosedQuietly() {
        EmbeddedChannel ch = TestChannels.server(Map.of("idle-timeout-ms", 1000));
        try {
            feed(ch, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
            release(frames(ch));
            ch.writeAndFlush(full(1, "ok"));
            assertThat(output(ch)).endsWith("ok");
            ch.advanceTimeBy(999, TimeUnit.MILLISECONDS);
            ch.runScheduledPendingTasks();
            assertTrue(ch.isOpen(), "not idle yet");
            ch.advanceTimeBy(501, TimeUnit.MILLISECONDS);
            ch.runScheduledPendingTasks();
            assertFalse(ch.isOpen(), "closed within 1.5 idle periods");
            assertEquals("", output(ch));
        } finally {
            finishClean(ch);
        }
    }

    @Test
    void connectionWaitingForUpstreamIsNotIdle() {
        EmbeddedChannel ch = TestChannels.server(Map.of("idle-timeout-ms", 1000));
        try {
            feed(ch, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
            release(frames(ch));
            for (int i = 0; i < 5; i++) {
                ch.advanceTimeBy(1001, TimeUnit.MILLISECONDS);
                ch.runScheduledPendingTasks();
            }
            assertTrue(ch.isOpen());
            ch.writeAndFlush(full(1, "late"));
            assertThat(output(ch)).endsWith("late");
            ch.advanceTimeBy(999, TimeUnit.MILLISECONDS);
            ch.runScheduledPendingTasks();
            assertTrue(ch.isOpen(), "a completed response counts as activity");
        } finally {
            finishClean(ch);
        }
    }

    @Test
    void stalledBodyIsAnswered408() {
        EmbeddedChannel ch = TestChannels.server(Map.of("idle-timeout-ms", 1000));
        try {
            feed(ch, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc");
            frames.addAll(frames(ch));
            for (int i = 0; i < 3; i++) {
                ch.advanceTimeBy(1001, TimeUnit.MILLISECONDS);
                ch.runScheduledPendingTasks();
            }
            ch.runPendingTasks();
            assertThat(output(ch)).startsWith("HTTP/1.1 408 Request Timeout\r\n").contains("x-xmesh-error: body-read-timeout");
            assertFalse(ch.isOpen());
            assertThat(exceptionsOf(ch)).singleElement()
                    .satisfies(e -> assertEquals(1, ((HttpCodecException) e).requestId()));
        } finally {
            release(frames);
            finishClean(ch);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
        "GET /x?y=%20 HTTP/1.0\r\nUser-Agent: u\r\n\r\n",
        "\r\nPOST /p HTTP/1.1\r\nHost: h:1\r\nContent-Length: 12\r\nConnection: X-A\r\nX-A: 1\r\n\r\nhello, world",
        "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n10;x=y\r\n0123456789abcdef\r\n0\r\nT: v\r\n\r\n",
        "GET /1 HTTP/1.1\r\nHost: a\r\n\r\nPUT /2 HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nokHEAD /3 HTTP/1.1\r\nHost: a\r\n\r\n",
        "OPTIONS * HTTP/1.1\r\nHost: a\r\nX-Multi: 1\r\nX-Multi: 2\r\n\r\n",
    })
    void everySplitPointDecodesAlike(String request) {
        byte[] wire = request.getBytes(StandardCharsets.ISO_8859_1);
        String whole = decode(wire);
        assertThat(whole).isNotEmpty();
        for (int cut = 1; cut < wire.length; cut++) {
            assertEquals(whole, decode(wire, cut), "split at " + cut);
        }
        int[] all = new int[wire.length];
        for (int i = 0; i < all.length; i++) {
            all[i] = i + 1;
        }
        assertEquals(whole, decode(wire, all), "byte by byte");
    }

    static String decode(byte[] wire, int... cuts) {
        EmbeddedChannel ch = TestChannels.server(Map.of());
        List<HttpFrame> got = new ArrayList<>();
        try {
            feed(ch, wire, cuts);
            got.addAll(frames(ch));
            assertThat(exceptionsOf(ch)).isEmpty();
            assertEquals("", output(ch));
            return describe(got);
        } finally {
            release(got);
            finishClean(ch);
        }
    }

    static List<Throwable> exceptionsOf(EmbeddedChannel ch) {
        return TestChannels.exceptions(ch);
    }
}
