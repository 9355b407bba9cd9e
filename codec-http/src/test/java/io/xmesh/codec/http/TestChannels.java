package io.xmesh.codec.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.xmesh.xprotocol.codec.CodecOptions;
import io.xmesh.xprotocol.codec.ProtocolSide;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;

/** EmbeddedChannel helpers for the HTTP codec tests. All run on the test thread. */
final class TestChannels {

    static final AttributeKey<List<Throwable>> EXCEPTIONS = AttributeKey.valueOf("http-test-exceptions");

    private TestChannels() {
    }

    /** An embedded channel whose peer is 10.1.2.3:5555, so X-Forwarded-For can be checked. */
    static final class InetEmbeddedChannel extends EmbeddedChannel {
        InetEmbeddedChannel(ChannelInitializer<Channel> init) {
            super(init);
        }

        @Override
        protected SocketAddress remoteAddress0() {
            return new InetSocketAddress("10.1.2.3", 5555);
        }
    }

    static EmbeddedChannel server(Map<String, Object> settings) {
        return open(ProtocolSide.SERVER, settings);
    }

    static EmbeddedChannel client(Map<String, Object> settings) {
        return open(ProtocolSide.CLIENT, settings);
    }

    static EmbeddedChannel open(ProtocolSide side, Map<String, Object> settings) {
        EmbeddedChannel ch = new InetEmbeddedChannel(new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel c) {
                new HttpProtocol().initChannel(c.pipeline(), side,
                        new CodecOptions(CodecOptions.DEFAULT_MAX_FRAME_LENGTH, settings));
                List<Throwable> seen = new ArrayList<>();
                c.attr(EXCEPTIONS).set(seen);
                c.pipeline().addLast("recorder", new ChannelInboundHandlerAdapter() {
                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        seen.add(cause);
                    }
                });
            }
        });
        ch.freezeTime();
        return ch;
    }

    static List<Throwable> exceptions(EmbeddedChannel ch) {
        return ch.attr(EXCEPTIONS).get();
    }

    static ByteBuf bytes(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
    }

    /** Feeds {@code wire} in pieces cut at the given increasing offsets. */
    static void feed(EmbeddedChannel ch, byte[] wire, int... cuts) {
        int from = 0;
        for (int cut : cuts) {
            if (cut > from && cut < wire.length) {
                ch.writeInbound(Unpooled.copiedBuffer(wire, from, cut - from));
                from = cut;
            }
        }
        if (from < wire.length) {
            ch.writeInbound(Unpooled.copiedBuffer(wire, from, wire.length - from));
        }
    }

    static void feed(EmbeddedChannel ch, String wire) {
        feed(ch, wire.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Everything written to the peer so far, as ISO-8859-1 text; buffers released. */
    static String output(EmbeddedChannel ch) {
        StringBuilder sb = new StringBuilder();
        Object o;
        while ((o = ch.readOutbound()) != null) {
            try {
                if (o instanceof ByteBuf b) {
                    sb.append(b.toString(StandardCharsets.ISO_8859_1));
                } else {
                    throw new AssertionError("unexpected outbound " + o);
                }
            } finally {
                ReferenceCountUtil.release(o);
            }
        }
        return sb.toString();
    }

    /** The frames the codec passed up so far; the caller owns them (see {@link #release}). */
    static List<HttpFrame> frames(EmbeddedChannel ch) {
        List<HttpFrame> out = new ArrayList<>();
        Object o;
        while ((o = ch.readInbound()) != null) {
            if (!(o instanceof HttpFrame f)) {
                ReferenceCountUtil.release(o);
                throw new AssertionError("unexpected inbound " + o);
            }
            out.add(f);
        }
        return out;
    }

    static void release(List<? extends HttpFrame> frames) {
        for (HttpFrame f : frames) {
            if (f.refCnt() > 0) {
                f.release();
            }
        }
        frames.clear();
    }

    /**
     * A split-independent description: heads with their headers in order, consecutive body parts
     * of one id merged, end of stream marked. Does not release.
     */
    static String describe(List<HttpFrame> frames) {
        StringBuilder sb = new StringBuilder();
        StringBuilder body = null;
        long bodyId = -1;
        for (HttpFrame f : frames) {
            if (f.isHead()) {
                if (body != null) {
                    sb.append("DATA ").append(bodyId).append(" [").append(body).append("] open\n");
                    body = null;
                }
                sb.append(f.kind()).append(' ').append(f.requestId()).append(" eos=").append(f.endOfStream());
                f.forEachHeader((k, v) -> sb.append(" | ").append(k).append(": ").append(v));
                sb.append('\n');
            } else {
                if (body == null) {
                    body = new StringBuilder();
                    bodyId = f.requestId();
                }
                if (bodyId != f.requestId()) {
                    throw new AssertionError("interleaved bodies " + bodyId + " and " + f.requestId());
                }
                body.append(f.content().toString(StandardCharsets.ISO_8859_1));
                if (f.endOfStream()) {
                    sb.append("DATA ").append(bodyId).append(" [").append(body).append("] end\n");
                    body = null;
                }
            }
        }
        if (body != null) {
            sb.append("DATA ").append(bodyId).append(" [").append(body).append("] open\n");
        }
        return sb.toString();
    }

    static void finishClean(EmbeddedChannel ch) {
        boolean left = ch.finish();
        ch.releaseInbound();
        ch.releaseOutbound();
        assertFalse(left, "data left in the channel");
    }
}
