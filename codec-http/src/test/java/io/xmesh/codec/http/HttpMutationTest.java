package io.xmesh.codec.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.xmesh.xprotocol.codec.CodecException;
import io.xmesh.xprotocol.codec.ProtocolSide;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Robustness: valid messages with one byte overwritten (at every position, with 0x00,
 * LF, colon), on both sides. Whatever happens, only {@link CodecException}s reach
 * the end of the pipeline, every input buffer ends with a reference count of zero once the frames
 * are released and the channel finished, and (leak extension) nothing leaks.
 */
class HttpMutationTest {

    private static final String[] REQUESTS = {
        "POST /p?q=1 HTTP/1.1\r\nHost: h:1\r\nContent-Length: 5\r\nConnection: X-A\r\nX-A: 1\r\n\r\nhello",
        "PUT /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n3\r\nabc\r\n0\r\nT: v\r\n\r\n"
                + "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
    };
    private static final String[] RESPONSES = {
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: keep-alive\r\n\r\nhelloHTTP/1.1 204 No Content\r\n\r\n",
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 500 Oops\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nwiki\r\n0\r\n\r\n",
    };
    private static final byte[] VALUES = {0x00, '\n', ':'};

    @ParameterizedTest
    @EnumSource(ProtocolSide.class)
    void oneOverwrittenByteGivesFramesOrCodecExceptionsOnly(ProtocolSide side) {
        for (String sample : side == ProtocolSide.SERVER ? REQUESTS : RESPONSES) {
            byte[] original = sample.getBytes(StandardCharsets.ISO_8859_1);
            for (int pos = 0; pos < original.length; pos++) {
                for (byte v : VALUES) {
                    if (original[pos] == v) {
                        continue;
                    }
                    byte[] mutated = original.clone();
                    mutated[pos] = v;
                    run(side, mutated, pos < original.length / 2 ? pos : -1, "byte " + pos + " = " + (v & 0xff) + " of "
                            + sample.replace("\r\n", "|"));
                }
            }
        }
    }

    /** Feeds whole, or in two reads cut at {@code cut} when it is positive. */
    private static void run(ProtocolSide side, byte[] wire, int cut, String what) {
        EmbeddedChannel ch = TestChannels.open(side, Map.of());
        List<HttpFrame> frames = new ArrayList<>();
        List<ByteBuf> inputs = new ArrayList<>();
        try {
            if (side == ProtocolSide.CLIENT) {
                for (int i = 0; i < 3; i++) {
                    DefaultHttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/" + i);
                    req.headers().set("host", "svc");
                    ch.write(HttpFrame.request(i + 1, req, true, HttpReplyTemplate.HTTP_1_1_KEEP_ALIVE));
                }
                ch.flush();
                TestChannels.output(ch);
            }
            int[] cuts = cut > 0 ? new int[] {0, cut, wire.length} : new int[] {0, wire.length};
            for (int i = 0; i + 1 < cuts.length && ch.isOpen(); i++) {
                ByteBuf in = Unpooled.copiedBuffer(wire, cuts[i], cuts[i + 1] - cuts[i]);
                inputs.add(in);
                ch.writeInbound(in);
                frames.addAll(TestChannels.frames(ch));
            }
            ch.runPendingTasks();
            TestChannels.output(ch);
            for (Throwable t : TestChannels.exceptions(ch)) {
                if (!(t instanceof CodecException)) {
                    throw new AssertionError(what + ": " + t, t);
                }
            }
        } finally {
            TestChannels.release(frames);
            ch.finishAndReleaseAll();
        }
        for (Throwable t : TestChannels.exceptions(ch)) {
            if (!(t instanceof CodecException)) {
                fail(what + ": while closing: " + t);
            }
        }
        for (ByteBuf in : inputs) {
            assertEquals(0, in.refCnt(), what + ": the codec kept a reference to an input buffer");
        }
    }
}
