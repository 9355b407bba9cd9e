package io.xmesh.codec.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.xmesh.xprotocol.codec.FrameKind;
import io.xmesh.xprotocol.codec.XFrame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.xmesh.codec.http.TestChannels.describe;
import static io.xmesh.codec.http.TestChannels.feed;
import static io.xmesh.codec.http.TestChannels.finishClean;
import static io.xmesh.codec.http.TestChannels.frames;
import static io.xmesh.codec.http.TestChannels.output;
import static io.xmesh.codec.http.TestChannels.release;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CLIENT side (xmesh's connection to an upstream) on an EmbeddedChannel. */
class HttpClientSideTest {

    private final List<HttpFrame> frames = new ArrayList<>();

    private static HttpFrame get(long id, String path) {
        DefaultHttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
        req.headers().set("host", "svc");
        return HttpFrame.request(id, req, true, HttpReplyTemplate.HTTP_1_1_KEEP_ALIVE);
    }

    private static HttpFrame head(long id) {
        DefaultHttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.HEAD, "/h");
        req.headers().set("host", "svc");
        return HttpFrame.request(id, req, true, HttpReplyTemplate.HTTP_1_1_KEEP_ALIVE);
    }

    @Test
    void requestIsEncodedAndResponseGetsItsId() {
        EmbeddedChannel ch = TestChannels.client(Map.of());
        try {
            ch.writeAndFlush(get(41, "/a?b"));
            assertEquals("GET /a?b HTTP/1.1\r\nhost: svc\r\n\r\n", output(ch));
            feed(ch, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\n"
                    + "X-App: 1\r\n\r\nhello");
            frames.addAll(frames(ch));
            HttpFrame res = frames.get(0);
            assertEquals(FrameKind.RESPONSE, res.kind());
            assertEquals(41, res.requestId());
            assertEquals(200, res.status());
            assertFalse(res.isServerError());
            assertFalse(res.endOfStream());
            assertEquals("200", res.header(":status"));
            assertEquals("RESPONSE 41 eos=false | :status: 200 | content-length: 5 | x-app: 1 | via: 1.1 xmesh\n"
                    + "DATA 41 [hello] end\n", describe(frames));
            assertTrue(ch.isOpen());
        } finally {
            release(frames);
            finishClean(ch);
        }
    }

    @Test
    void aRetainedRequestCanBeWrittenAgainForARetry() {
        EmbeddedChannel first = TestChannels.client(Map.of());
        EmbeddedChannel second = TestChannels.client(Map.of());
        try {
            HttpFrame req = get(4, "/retry");
            req.retain(); // the engine keeps a reference for a possible retry
            first.writeAndFlush(req);
            assertEquals(1, req.refCnt());
            String once = output(first);
            req.setRequestId(5);
            second.writeAndFlush(req);
            assertEquals(0, req.refCnt());
            assertEquals(once, output(second));
            feed(second, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
            frames.addAll(frames(second));
            assertEquals(5, frames.get(0).requestId());
        } finally {
            release(frames);
            finishClean(first);
            finishClean(second);
        }
    }

    @Test
    void responsesGetRequestIdsInFifoOrder() {
        EmbeddedChannel ch = TestChannels.client(Map.of());
        try {
            ch.write(get(7, "/1"));
            ch.writeAndFlush(get(3, "/2"));
            output(ch);
            feed(ch, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nAHTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n");
            frames.addAll(frames(ch));
            assertThat(frames).extracting(XFrame::requestId).containsExactly(7L, 7L, 3L);
            assertTrue(frames.get(2).isServerError());
            assertTrue(frames.get(2).endOfStream());
        } finally {
            release(frames);
            finishClean(ch);
        }
    }

    @Test
    void streamedRequestBodyIsChunkedUpstream() {
        EmbeddedChannel ch = TestChannels.client(Map.of());
        try {
            DefaultHttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/up");
            req.headers().set("host", "svc").set("transfer-encoding", "chunked");
            ch.write(HttpFrame.request(5, req, false, HttpReplyTemplate.HTTP_1_1_KEEP_ALIVE));
            ch.write(HttpFrame.data(5, new DefaultHttpContent(Unpooled.copiedBuffer("abc", StandardCharsets.US_ASCII))));
            ch.writeAndFlush(HttpFrame.data(5, new DefaultLastHttpContent()));
            assertEquals("POST /up HTTP/1.1\r\nhost: svc\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
                    output(ch));
        } finally {
            finishClean(ch);
        }
    }

    @Test
    void hostRewriteAndMisorderedWritesAreRefused() {
        EmbeddedChannel ch = TestChannels.client(Map.of("host-rewrite", "backend:8080"));
        try {
            DefaultHttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.PUT, "/p");
            req.headers().set("host", "front").set("content-length", 2);
            ch.writeAndFlush(HttpFrame.request(1, req, false, HttpReplyTemplate.HTTP_1_1_KEEP_ALIVE));
            HttpFrame other = get(2, "/x");
            assertFalse(ch.writeAndFlush(other).isSuccess(), "a request before the body of the previous ended");
            assertEquals(0, other.refCnt());
            HttpFrame wrongBody = HttpFrame.data(9, new DefaultLastHttpContent());
            assertFalse(ch.writeAndFlush(wrongBody).isSuccess());
            assertEquals(0, wrongBody.refCnt());
            ch.writeAndFlush(HttpFrame.data(1, new DefaultLastHttpContent(Unpooled.copiedBuffer("ok", StandardCharsets.US_ASCII))));
            assertEquals("PUT /p HTTP/1.1\r\ncontent-length: 2\r\nhost: backend:8080\r\n\r\nok", output(ch));
        } finally {
            finishClean(ch);
        }
    }

    @Test
    void requestWithoutHostGetsTheUpstreamAddress() {
        EmbeddedChannel ch = TestChannels.client(Map.of());
        try {
            ch.writeAndFlush(HttpFrame.request(1, new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/"), true,
                    HttpReplyTemplate.HTTP_1_0_CLOSE));
            assertEquals("GET / HTTP/1.1\r\nhost: 10.1.2.3:5555\r\n\r\n", output(ch));
        } finally {
            finishClean(ch);
        }
    }

    @Test
    void headResponseHasNoBodyEvenWithLength() {
        EmbeddedChannel ch = TestChannels.client(Map.of());
        try {
            ch.write(head(1));
            ch.writeAndFlush(get(2, "/g"));
            output(ch);
            feed(ch, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi");
            frames.addAll(frames(ch));
            assertEquals("RESPONSE 1 eos=true | :status: 200 | content-length: 100 | via: 1.1 xmesh\n"
                    + "RESPONSE 2 eos=false | :status: 200 | content-length: 2 | via: 1.1 xmesh\n"
                    + "DATA 2 [hi] end\n", describe(frames));
        } finally {
            release(frames);
            finishClean(ch);
        }
    }

    @Test
    void interimResponsesAreDropped() {
        EmbeddedChannel ch = TestChannels.client(Map.of());
        try {
            ch.writeAndFlush(get(1, "/"));
            output(ch);
            feed(ch, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\n"
                    + "HTTP/1.1 204 No Content\r\n\r\n");
            frames.addAll(frames(ch));
            assertEquals("RESPONSE 1 eos=true | :status: 204 | via: 1.1 xmesh\n", describe(frames));
        } finally {
            release(frames);
            finishClean(ch);
        }
    }

    @Test
    void upstreamConnectionCloseClosesBeforeTheLastFrame() {
        EmbeddedChannel ch = TestChannels.client(Map.of());
        try {
            ch.writeAndFlush(get(1, "/"));
            output(ch);
            feed(ch, "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok");
            frames.addAll(frames(ch));
            assertFalse(ch.isOpen());
            assertThat(frames.get(0).header("connection")).isNull();
            assertEquals("DATA 1 [ok] end\n", describe(frames.subList(1, frames.size())));
        } finally {
            release(frames);
            finishClean(ch);
        }
    }

    @Test
    void closeDelimitedBodyEndsWithTheConnection() {
        EmbeddedChannel ch = TestChannels.client(Map.of());
        try {
            ch.writeAndFlush(get(1, "/"));
            output(ch);
            feed(ch, "HTTP/1.0 200 OK\r\n\r\nsome bytes");
            frames.addAll(frames(ch));
            ch.close();
            frames.addAll(frames(ch));
            assertEquals("RESPONSE 1 eos=false | :status: 200 | via: 1.0 xmesh\nDATA 1 [some bytes] end\n",
                    describe(frames));
        } finally {
            release(frames);
            finishClean(ch);
        }
    }

    @Test
    void malformedResponseIsAFatalErrorForTheRequestAtTheFront() {
        EmbeddedChannel ch = TestChannels.client(Map.of());
        try {
            ch.writeAndFlush(get(12, "/"));
            output(ch);
            feed(ch, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nnothex\r\n");
            frames.addAll(frames(ch));
            assertFalse(ch.isOpen());
            assertThat(TestChannels.exceptions(ch)).singleElement().isInstanceOfSatisfying(HttpCodecException.class,
                    e -> {
                        assertEquals(12, e.requestId());
                        assertTrue(e.isFatal());
                    });
        } finally {
            release(frames);
            finishClean(ch);
        }
    }

    @Test
    void unsolicitedResponseIsFatal() {
        EmbeddedChannel ch = TestChannels.client(Map.of());
        try {
            feed(ch, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
            assertThat(frames(ch)).isEmpty();
            assertFalse(ch.isOpen());
            assertThat(TestChannels.exceptions(ch)).singleElement().isInstanceOf(HttpCodecException.class);
        } finally {
            finishClean(ch);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "HTTP/1.1 200 OK\r\nContent-Length: 11\r\nX-A: b\r\n\r\nhello world",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nwiki\r\n5;a=b\r\npedia\r\n0\r\nX-T: 1\r\n\r\n",
        "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\nHTTP/1.1 500 Oops\r\nContent-Length: 3\r\n\r\nbad",
    })
    void everySplitPointDecodesResponsesAlike(String response) {
        byte[] wire = response.getBytes(StandardCharsets.ISO_8859_1);
        String whole = decode(wire);
        for (int cut = 1; cut < wire.length; cut++) {
            assertEquals(whole, decode(wire, cut), "split at " + cut);
        }
        int[] all = new int[wire.length];
        for (int i = 0; i < all.length; i++) {
            all[i] = i + 1;
        }
        assertEquals(whole, decode(wire, all));
    }

    private static String decode(byte[] wire, int... cuts) {
        EmbeddedChannel ch = TestChannels.client(Map.of());
        List<HttpFrame> got = new ArrayList<>();
        try {
            ch.write(get(1, "/"));
            ch.writeAndFlush(get(2, "/"));
            output(ch);
            feed(ch, wire, cuts);
            got.addAll(frames(ch));
            assertThat(TestChannels.exceptions(ch)).isEmpty();
            return describe(got);
        } finally {
            release(got);
            finishClean(ch);
        }
    }
}
