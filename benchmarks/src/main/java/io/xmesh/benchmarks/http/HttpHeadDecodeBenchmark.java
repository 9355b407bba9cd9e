package io.xmesh.benchmarks.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.xmesh.codec.http.HttpProtocol;
import io.xmesh.xprotocol.codec.CodecOptions;
import io.xmesh.xprotocol.codec.ErrorKind;
import io.xmesh.xprotocol.codec.ProtocolSide;
import io.xmesh.xprotocol.codec.RoutingHeaders;
import io.xmesh.xprotocol.codec.XFrame;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * HTTP request head decode on xmesh's server side: a typical browser-like GET head (about 450 bytes,
 * 9 header fields) through {@link HttpProtocol}'s SERVER pipeline on an EmbeddedChannel.
 *
 * <ul>
 *   <li>{@code nettyDecoderOnly}: Netty's HttpRequestDecoder alone, the floor;</li>
 *   <li>{@code nettyDecodeAndReply}: Netty's decoder and encoder doing what the next one does with
 *       plain Netty objects (decode, read host/path/method, build and encode a small plain-text
 *       404): the baseline for</li>
 *   <li>{@code xmeshDecodeAndRoute}: xmesh's decode (strict checks, hop-by-hop removal, Via,
 *       X-Forwarded-*, id, frame) plus reading the three routing headers, then the proxy's reply
 *       ({@code errorReply}, encoded in request order) so the connection's exchange table stays at
 *       steady state. The difference to the baseline is what the codec adds per request.</li>
 * </ul>
 * EmbeddedChannel costs are in every variant.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HttpHeadDecodeBenchmark {

    private static final byte[] HEAD = ("GET /api/v1/orders/12345?expand=items&currency=EUR HTTP/1.1\r\n"
            + "Host: orders.svc.cluster.local:8080\r\n"
            + "User-Agent: Mozilla/5.0 (X11; Linux x86_64) xmesh-bench\r\n"
            + "Accept: application/json, text/plain, */*\r\n"
            + "Accept-Encoding: gzip, deflate\r\n"
            + "Accept-Language: en-US,en;q=0.9\r\n"
            + "Connection: keep-alive\r\n"
            + "X-Request-Id: 3f2a9c0e-7d41-4b8e-9a55-1c0b2e6d7f10\r\n"
            + "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\r\n"
            + "Cookie: session=abcdef0123456789; theme=dark\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

    private final HttpProtocol protocol = new HttpProtocol();
    private EmbeddedChannel xmesh;
    private EmbeddedChannel netty;
    private EmbeddedChannel nettyReply;

    @Setup(Level.Trial)
    public void setUp() {
        xmesh = server();
        netty = new EmbeddedChannel(new HttpRequestDecoder());
        nettyReply = new EmbeddedChannel(new HttpRequestDecoder(), new HttpResponseEncoder());
    }

    private EmbeddedChannel server() {
        return new EmbeddedChannel(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                protocol.initChannel(ch.pipeline(), ProtocolSide.SERVER, CodecOptions.DEFAULTS);
            }
        });
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        xmesh.finishAndReleaseAll();
        netty.finishAndReleaseAll();
        nettyReply.finishAndReleaseAll();
    }

    private static ByteBuf head() {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.buffer(HEAD.length);
        return b.writeBytes(HEAD);
    }

    private static void drainOutbound(EmbeddedChannel ch) {
        Object o;
        while ((o = ch.readOutbound()) != null) {
            ReferenceCountUtil.release(o);
        }
    }

    @Benchmark
    public void nettyDecoderOnly(Blackhole bh) {
        netty.writeInbound(head());
        Object o;
        while ((o = netty.readInbound()) != null) {
            bh.consume(o);
            ReferenceCountUtil.release(o);
        }
    }

    @Benchmark
    public void nettyDecodeAndReply(Blackhole bh) {
        nettyReply.writeInbound(head());
        Object o;
        while ((o = nettyReply.readInbound()) != null) {
            if (o instanceof HttpRequest req) {
                bh.consume(req.headers().get(HttpHeaderNames.HOST));
                bh.consume(req.uri());
                bh.consume(req.method().name());
                ByteBuf body = ByteBufUtil.writeUtf8(nettyReply.alloc(), "xmesh: none\n");
                FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_FOUND, body);
                res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                        .set(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
                        .set("x-xmesh-error", "no-route");
                nettyReply.writeAndFlush(res);
            }
            ReferenceCountUtil.release(o);
        }
        drainOutbound(nettyReply);
    }

    @Benchmark
    public void xmeshDecodeAndRoute(Blackhole bh) {
        xmesh.writeInbound(head());
        XFrame f = xmesh.readInbound();
        try {
            bh.consume(f.header(RoutingHeaders.AUTHORITY));
            bh.consume(f.header(RoutingHeaders.PATH));
            bh.consume(f.header(RoutingHeaders.HTTP_METHOD));
            xmesh.writeAndFlush(protocol.errorReply(f.replyTemplate(), f.requestId(), ErrorKind.NO_ROUTE, "xmesh: none",
                    xmesh.alloc()));
        } finally {
            f.release();
        }
        drainOutbound(xmesh);
    }
}
