package io.xmesh.codec.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.xmesh.testkit.FailingLeakDetector;
import io.xmesh.xprotocol.codec.FrameKind;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Property tests: valid requests (and responses) cut at random points decode to the same frames
 * as when fed whole, and the bodies the frames carry are exactly the bodies that were sent.
 * (jqwik does not run JUnit Jupiter extensions, so leaks are checked here after the container.)
 */
class HttpSplitPropertiesTest {

    /** One generated message: its wire bytes and the body the frames must carry. */
    record Message(String wire, String body) {
    }

    @Provide
    Arbitrary<List<Message>> requests() {
        Arbitrary<String> method = Arbitraries.of("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS");
        Arbitrary<String> path = Arbitraries.strings().withCharRange('a', 'z').withChars("/-_.~%20?=&").ofMaxLength(30)
                .map(p -> "/" + p);
        Arbitrary<List<String>> headers = header().list().ofMaxSize(6);
        Arbitrary<String> body = Arbitraries.strings().ascii().ofMaxLength(300);
        Arbitrary<Integer> framing = Arbitraries.integers().between(0, 2);
        Arbitrary<List<Integer>> chunkSizes = Arbitraries.integers().between(1, 64).list().ofMinSize(1).ofMaxSize(8);
        Arbitrary<Message> one = Combinators.combine(method, path, headers, body, framing, chunkSizes)
                .as((m, p, hs, b, fr, cs) -> {
                    StringBuilder sb = new StringBuilder(m).append(' ').append(p).append(" HTTP/1.1\r\nHost: svc\r\n");
                    hs.forEach(h -> sb.append(h).append("\r\n"));
                    String sent = fr == 0 ? "" : b;
                    if (fr == 1) {
                        sb.append("Content-Length: ").append(b.length()).append("\r\n\r\n").append(b);
                    } else if (fr == 2) {
                        sb.append("Transfer-Encoding: chunked\r\n\r\n").append(chunked(b, cs));
                    } else {
                        sb.append("\r\n");
                    }
                    return new Message(sb.toString(), sent);
                });
        return one.list().ofMinSize(1).ofMaxSize(3);
    }

    @Provide
    Arbitrary<List<Message>> responses() {
        Arbitrary<Integer> status = Arbitraries.of(200, 201, 400, 404, 500, 503);
        Arbitrary<List<String>> headers = header().list().ofMaxSize(6);
        Arbitrary<String> body = Arbitraries.strings().ascii().ofMaxLength(300);
        Arbitrary<Boolean> chunked = Arbitraries.of(true, false);
        Arbitrary<List<Integer>> chunkSizes = Arbitraries.integers().between(1, 64).list().ofMinSize(1).ofMaxSize(8);
        Arbitrary<Message> one = Combinators.combine(status, headers, body, chunked, chunkSizes)
                .as((s, hs, b, ch, cs) -> {
                    StringBuilder sb = new StringBuilder("HTTP/1.1 ").append(s).append(" X\r\n");
                    hs.forEach(h -> sb.append(h).append("\r\n"));
                    if (ch) {
                        sb.append("Transfer-Encoding: chunked\r\n\r\n").append(chunked(b, cs));
                    } else {
                        sb.append("Content-Length: ").append(b.length()).append("\r\n\r\n").append(b);
                    }
                    return new Message(sb.toString(), b);
                });
        return one.list().ofMinSize(1).ofMaxSize(3);
    }

    private static Arbitrary<String> header() {
        Arbitrary<String> name = Arbitraries.strings().withCharRange('a', 'z').withChars("-").ofMinLength(1).ofMaxLength(12)
                .filter(n -> !Set.of("host", "content-length", "transfer-encoding", "connection", "expect", "te",
                        "upgrade", "keep-alive", "trailer", "proxy-connection").contains(n))
                .map(n -> "x-" + n);
        Arbitrary<String> value = Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(40).map(String::strip);
        return Combinators.combine(name, value).as((n, v) -> n + ": " + v);
    }

    private static String chunked(String body, List<Integer> sizes) {
        StringBuilder sb = new StringBuilder();
        int at = 0;
        int i = 0;
        while (at < body.length()) {
            int n = Math.min(sizes.get(i++ % sizes.size()), body.length() - at);
            sb.append(Integer.toHexString(n)).append(i % 2 == 0 ? ";ext=" + i : "").append("\r\n")
                    .append(body, at, at + n).append("\r\n");
            at += n;
        }
        return sb.append("0\r\n\r\n").toString();
    }

    private static int[] cuts(List<Integer> raw, int length) {
        TreeSet<Integer> set = new TreeSet<>();
        for (int c : raw) {
            set.add(1 + Math.floorMod(c, Math.max(1, length - 1)));
        }
        return set.stream().mapToInt(Integer::intValue).toArray();
    }

    @Property(tries = 150)
    void requestsDecodeAlikeWhateverTheSplits(@ForAll("requests") List<Message> msgs,
                                              @ForAll List<@net.jqwik.api.constraints.IntRange(min = 0, max = 100_000) Integer> rawCuts) {
        String wire = msgs.stream().map(Message::wire).reduce("", String::concat);
        byte[] bytes = wire.getBytes(StandardCharsets.ISO_8859_1);
        String whole = decodeRequests(bytes, msgs);
        assertEquals(whole, decodeRequests(bytes, msgs, cuts(rawCuts, bytes.length)));
    }

    @Property(tries = 150)
    void responsesDecodeAlikeWhateverTheSplits(@ForAll("responses") List<Message> msgs,
                                               @ForAll List<@net.jqwik.api.constraints.IntRange(min = 0, max = 100_000) Integer> rawCuts) {
        String wire = msgs.stream().map(Message::wire).reduce("", String::concat);
        byte[] bytes = wire.getBytes(StandardCharsets.ISO_8859_1);
        String whole = decodeResponses(bytes, msgs);
        assertEquals(whole, decodeResponses(bytes, msgs, cuts(rawCuts, bytes.length)));
    }

    private static String decodeRequests(byte[] wire, List<Message> msgs, int... cuts) {
        EmbeddedChannel ch = TestChannels.server(Map.of());
        List<HttpFrame> got = new ArrayList<>();
        try {
            TestChannels.feed(ch, wire, cuts);
            got.addAll(TestChannels.frames(ch));
            assertThat(TestChannels.exceptions(ch)).isEmpty();
            checkBodies(got, msgs, FrameKind.REQUEST);
            return TestChannels.describe(got);
        } finally {
            TestChannels.release(got);
            TestChannels.finishClean(ch);
        }
    }

    private static String decodeResponses(byte[] wire, List<Message> msgs, int... cuts) {
        EmbeddedChannel ch = TestChannels.client(Map.of());
        List<HttpFrame> got = new ArrayList<>();
        try {
            for (int i = 0; i < msgs.size(); i++) {
                DefaultHttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/" + i);
                req.headers().set("host", "svc");
                ch.write(HttpFrame.request(100 + i, req, true, HttpReplyTemplate.HTTP_1_1_KEEP_ALIVE));
            }
            ch.flush();
            TestChannels.output(ch);
            TestChannels.feed(ch, wire, cuts);
            got.addAll(TestChannels.frames(ch));
            assertThat(TestChannels.exceptions(ch)).isEmpty();
            checkBodies(got, msgs, FrameKind.RESPONSE);
            return TestChannels.describe(got);
        } finally {
            TestChannels.release(got);
            TestChannels.finishClean(ch);
        }
    }

    /** Each message's frames: one head, then the body exactly as sent, ended once. */
    private static void checkBodies(List<HttpFrame> frames, List<Message> msgs, FrameKind headKind) {
        int m = -1;
        StringBuilder body = null;
        long id = -1;
        boolean ended = true;
        for (HttpFrame f : frames) {
            if (f.isHead()) {
                assertThat(ended).as("previous message ended").isTrue();
                if (body != null) {
                    assertEquals(msgs.get(m).body(), body.toString());
                }
                m++;
                assertEquals(headKind, f.kind());
                id = f.requestId();
                body = new StringBuilder();
                ended = f.endOfStream();
            } else {
                assertEquals(id, f.requestId());
                assertThat(ended).as("data after end of stream").isFalse();
                body.append(f.content().toString(StandardCharsets.ISO_8859_1));
                ended = f.endOfStream();
            }
        }
        assertThat(ended).isTrue();
        assertEquals(msgs.size() - 1, m, "one head per message");
        assertEquals(msgs.get(m).body(), body.toString());
    }

    @AfterContainer
    static void noLeaks() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
            for (int j = 0; j < 8; j++) {
                ByteBuf a = PooledByteBufAllocator.DEFAULT.buffer(8);
                a.release();
                ByteBuf b = UnpooledByteBufAllocator.DEFAULT.heapBuffer(8);
                b.release();
            }
        }
        List<String> leaks = FailingLeakDetector.drainLeaks();
        assertThat(leaks).as("Netty leak reports").isEmpty();
    }
}
